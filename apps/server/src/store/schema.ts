/**
 * The byte store's tables. Every table is keyed by `workspace_id` first so the store can be
 * sharded by workspace. `data` columns hold ciphertext the server never decodes.
 */
import { sql } from "drizzle-orm"
import { bigint, customType, index, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core"

const bytea = customType<{ data: Uint8Array; driverData: Buffer }>({
  dataType: () => "bytea",
  toDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
})

const seq = (name: string) => bigint(name, { mode: "number" })
const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow()

export const workspaces = pgTable("workspaces", {
  id: uuid("id").primaryKey(),
  createdAt: createdAt(),
  headSeq: seq("head_seq").notNull().default(0),
  snapshotSeq: seq("snapshot_seq").notNull().default(0),
  bytesUsed: bigint("bytes_used", { mode: "number" }).notNull().default(0)
})

export const tokens = pgTable(
  "tokens",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["master", "device"] }).notNull(),
    deviceId: uuid("device_id").notNull(),
    label: text("label").notNull().default(""),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true })
  },
  (t) => [index("tokens_workspace_idx").on(t.workspaceId)]
)

export const pairings = pgTable(
  "pairings",
  {
    codeHash: text("code_hash").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    redeemedAt: timestamp("redeemed_at", { withTimezone: true })
  },
  (t) => [index("pairings_workspace_idx").on(t.workspaceId)]
)

export const changes = pgTable(
  "changes",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    seq: seq("seq").notNull(),
    deviceId: uuid("device_id").notNull(),
    clientSeq: bigint("client_seq", { mode: "number" }).notNull(),
    data: bytea("data").notNull(),
    createdAt: createdAt()
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.seq] }),
    unique("changes_idempotency_key").on(t.workspaceId, t.deviceId, t.clientSeq)
  ]
)

export const snapshots = pgTable(
  "snapshots",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    seq: seq("seq").notNull(),
    data: bytea("data").notNull(),
    createdAt: createdAt()
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.seq] })]
)

/** `now()` as the database sees it, so every process on one database agrees on time. */
export const dbNow = sql`now()`
