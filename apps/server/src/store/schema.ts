/**
 * The byte store's tables. Every primary and unique key starts with the workspace id, so the
 * store shards by workspace (docs/decisions/0003-citus.md; `test/keys.test.ts` asserts it).
 * `data`, `key` and blob ids hold bytes the server never decodes.
 */
import { sql } from "drizzle-orm"
import { bigint, customType, index, integer, pgTable, primaryKey, smallint, text, timestamp, unique, uuid } from "drizzle-orm/pg-core"

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
})

const seq = (name: string) => bigint(name, { mode: "number" })
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow()
const workspaceId = () =>
  uuid("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" })

export const workspaces = pgTable("workspaces", {
  id: uuid("id").primaryKey(),
  createdAt: createdAt(),
  headSeq: seq("head_seq").notNull().default(0),
  /** Bytes of every change's data and every blob: kept exact by each insert and delete, checked against the quota. */
  bytesUsed: bigint("bytes_used", { mode: "number" }).notNull().default(0),
  /** Changes stored now (compaction removes some): kept exact like `bytesUsed`. */
  changeCount: bigint("change_count", { mode: "number" }).notNull().default(0)
})

export const tokens = pgTable(
  "tokens",
  {
    workspaceId: workspaceId(),
    /** The JWT subject. */
    id: uuid("id").notNull(),
    role: text("role", { enum: ["master", "device"] }).notNull(),
    deviceId: uuid("device_id").notNull(),
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true })
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })]
)

export const pairings = pgTable(
  "pairings",
  {
    workspaceId: workspaceId(),
    /** SHA-256 of the code: the code itself is never stored. */
    codeHash: text("code_hash").notNull(),
    /** The token that made the code; revoking that token ends the code. */
    createdByToken: uuid("created_by_token").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    redeemedAt: timestamp("redeemed_at", { withTimezone: true })
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.codeHash] })]
)

/** `kind`: what a change's data is. A snapshot of a key replaces that key's older changes. */
export const changeKind = { update: 0, snapshot: 1 } as const

export const changes = pgTable(
  "changes",
  {
    workspaceId: workspaceId(),
    seq: seq("seq").notNull(),
    deviceId: uuid("device_id").notNull(),
    clientSeq: bigint("client_seq", { mode: "number" }).notNull(),
    /** The document's compaction key, derived by the client; opaque here. */
    key: bytea("key").notNull(),
    kind: smallint("kind").notNull(),
    /** SHA-256 of `data`: a retried push is compared by digest, never by reading the data back. */
    digest: bytea("digest").notNull(),
    /** Length of `data`: pages and backup batches are bounded by summing it, without touching the data. */
    size: integer("size").notNull(),
    data: bytea("data").notNull(),
    createdAt: createdAt()
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.seq] }),
    unique("changes_idempotency_key").on(t.workspaceId, t.deviceId, t.clientSeq),
    index("changes_key_idx").on(t.workspaceId, t.key, t.seq)
  ]
)

export const blobs = pgTable(
  "blobs",
  {
    workspaceId: workspaceId(),
    id: bytea("id").notNull(),
    size: integer("size").notNull(),
    data: bytea("data").notNull(),
    createdAt: createdAt()
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.id] })]
)

/** `now()` as the database sees it, so every process on one database agrees on time. */
export const dbNow = sql`now()`

/**
 * The rate limit on the endpoints anyone may call, shared by every server process: one row per
 * address bucket (an IPv4 address or an IPv6 /64) and window, holding when that bucket will be
 * full again (GCRA, see RateLimits.ts). Not a workspace's data: the key starts with the bucket,
 * and on Citus the table stays on the coordinator (docs/decisions/0003-citus.md).
 */
export const rateLimits = pgTable(
  "rate_limits",
  {
    bucket: text("bucket").notNull(),
    /** The limit's window: 60 for RATE_LIMIT_PER_MINUTE. */
    windowSeconds: integer("window_seconds").notNull(),
    fullAt: timestamp("full_at", { withTimezone: true }).notNull()
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowSeconds] })]
)
