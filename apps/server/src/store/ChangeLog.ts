/**
 * The per-workspace change log, compacted by key as a Kafka compacted topic is.
 *
 * Seqs are assigned under the workspace row lock inside the insert's transaction, so they run
 * 1, 2, 3 … and commit in that order however many processes push. A `(deviceId, clientSeq)`
 * already stored with the same bytes answers with its first seq and stores nothing; with other
 * bytes the whole request is refused (`ClientSeqReused`), so an edit is never acknowledged
 * without being stored. Digests make that comparison without reading data back.
 *
 * A push of new changes takes the one-statement path (AppendChanges); anything else it meets
 * (a retry, a reused clientSeq, a full quota, an unknown workspace, a refused token) falls back
 * to the careful transaction here, which decides (docs/decisions/0008).
 */
import {
  ClientSeqReused,
  CompactionConflict,
  Limits,
  type Caller,
  type PayloadTooLarge,
  type QuotaExceeded,
  type ServerFull,
  type WorkspaceNotFound
} from "@quire/shared"
import { and, eq, inArray, sql } from "drizzle-orm"
import { Effect } from "effect"
import { createHash } from "node:crypto"
import { LastSeen } from "../auth/LastSeen.js"
import { Tokens } from "../auth/Tokens.js"
import { AppConfig } from "../config/AppConfig.js"
import { Notifier } from "../notify/Notifier.js"
import { appendChanges, type NewChange } from "./AppendChanges.js"
import {
  changeTooLarge,
  pageOfAppended,
  readChangePage,
  wireBytesPerPage,
  type Appended,
  type ChangePage,
  type PageBounds
} from "./ChangePages.js"
import { Database, type Tx } from "./Database.js"
import { changeKind, changes, workspaces } from "./schema.js"
import { ServerUsage, storedBytes, type Claim } from "./ServerUsage.js"
import { lockWorkspace, notFound, quotaExceeded } from "./Workspaces.js"

export interface IncomingChange {
  readonly clientSeq: number
  readonly key: Uint8Array
  readonly data: Uint8Array
}

export interface Compaction {
  readonly key: Uint8Array
  readonly covers: number
  readonly clientSeq: number
  readonly data: Uint8Array
}

export const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest()

/** The same bytes as a Buffer, without copying them. */
const asBuffer = (bytes: Uint8Array) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b)

/** Rows a single INSERT carries; keeps bind parameters far below Postgres' 65,535. */
const insertChunk = 1000

export const insertChanges = async (tx: Tx, rows: ReadonlyArray<typeof changes.$inferInsert>) => {
  for (let i = 0; i < rows.length; i += insertChunk) await tx.insert(changes).values(rows.slice(i, i + insertChunk))
}

interface Fingerprint {
  readonly seq: number
  readonly key: Uint8Array
  readonly kind: number
  readonly digest: Uint8Array
}

const sameChange = (a: Omit<Fingerprint, "seq">, b: Omit<Fingerprint, "seq">) =>
  a.kind === b.kind && sameBytes(a.key, b.key) && sameBytes(a.digest, b.digest)

const reused = (clientSeq: number) =>
  new ClientSeqReused({
    message: `This device already stored different bytes under clientSeq ${clientSeq}; nothing of this request was stored.`,
    clientSeq
  })

/** What this device already stored under these clientSeqs. */
const fingerprints = async (tx: Tx, caller: Caller, clientSeqs: ReadonlyArray<number>) => {
  const rows = await tx
    .select({ clientSeq: changes.clientSeq, seq: changes.seq, key: changes.key, kind: changes.kind, digest: changes.digest })
    .from(changes)
    .where(
      and(eq(changes.workspaceId, caller.workspaceId), eq(changes.deviceId, caller.deviceId), inArray(changes.clientSeq, [...clientSeqs]))
    )
  return new Map<number, Fingerprint>(rows.map(({ clientSeq, ...fingerprint }) => [clientSeq, fingerprint]))
}

const readHead = { name: "quire-head-seq", text: "SELECT head_seq FROM workspaces WHERE id = $1" }

type WriteError = WorkspaceNotFound | QuotaExceeded | ServerFull | ClientSeqReused | PayloadTooLarge

interface PushResult {
  readonly results: Array<{ clientSeq: number; seq: number }>
  readonly headSeq: number
  readonly stored: boolean
  /** What the one-statement path stored: long-polls it wakes are answered from it. */
  readonly appended?: Appended
}

const hasRepeatedClientSeq = (changes: ReadonlyArray<NewChange>) =>
  new Set(changes.map((change) => change.clientSeq)).size !== changes.length

export class ChangeLog extends Effect.Service<ChangeLog>()("@quire/server/ChangeLog", {
  effect: Effect.gen(function* () {
    const { query, transaction, pool, db } = yield* Database
    const { workspaceQuotaBytes, maxBodyBytes } = yield* AppConfig
    const notifier = yield* Notifier
    const usage = yield* ServerUsage
    const tokens = yield* Tokens
    const lastSeen = yield* LastSeen

    /** After the commit: wakes long-polls, here and in other processes. */
    const announceIfStored =
      (workspaceId: string) =>
      <A extends { readonly headSeq: number; readonly stored: boolean; readonly appended?: Appended }, E>(self: Effect.Effect<A, E>) =>
        Effect.tap(self, (result) => (result.stored ? notifier.announce(workspaceId, result.headSeq, result.appended) : Effect.void))

    /** The careful push: one transaction under the row lock, reading what this device stored before. */
    const pushCarefully = (claim: Claim, caller: Caller, incoming: ReadonlyArray<NewChange>) =>
      transaction<PushResult, WriteError>(async (tx, abort) => {
        const workspace = await lockWorkspace(tx, caller.workspaceId)
        if (!workspace) return abort(notFound())
        const known = await fingerprints(tx, caller, [...new Set(incoming.map((c) => c.clientSeq))])
        let headSeq = workspace.headSeq
        let addedBytes = 0
        const rows: Array<typeof changes.$inferInsert> = []
        for (const change of incoming) {
          const fingerprint = { key: change.key, kind: changeKind.update, digest: change.digest }
          const first = known.get(change.clientSeq)
          if (first) {
            // A retry (or the same change twice in one batch): same bytes are fine, others are not.
            if (!sameChange(first, fingerprint)) abort(reused(change.clientSeq))
            continue
          }
          headSeq += 1
          known.set(change.clientSeq, { seq: headSeq, ...fingerprint })
          addedBytes += change.data.length
          rows.push({
            workspaceId: caller.workspaceId,
            seq: headSeq,
            deviceId: caller.deviceId,
            clientSeq: change.clientSeq,
            ...fingerprint,
            size: change.data.length,
            data: change.data
          })
        }
        if (addedBytes > 0 && workspace.bytesUsed + addedBytes > workspaceQuotaBytes)
          abort(quotaExceeded(workspaceQuotaBytes, workspace.bytesUsed))
        // Also when nothing is new: it resets what an attempt on the one-statement path claimed.
        const full = await claim.take(addedBytes, () => storedBytes(tx))
        if (full) abort(full)
        if (rows.length > 0) {
          await insertChanges(tx, rows)
          await tx
            .update(workspaces)
            .set({ headSeq, bytesUsed: workspace.bytesUsed + addedBytes, changeCount: workspace.changeCount + rows.length })
            .where(eq(workspaces.id, caller.workspaceId))
        }
        const results = incoming.map((change) => ({ clientSeq: change.clientSeq, seq: known.get(change.clientSeq)!.seq }))
        return { results, headSeq, stored: rows.length > 0 }
      })

    /**
     * Stores a push. The caller's JWT was verified, but its token row not yet read
     * (AuthenticationLive): the one statement checks it, and the careful path reads it first.
     */
    const push = (caller: Caller, incoming: ReadonlyArray<IncomingChange>) =>
      Effect.suspend(() => {
        for (const change of incoming) {
          const tooLarge = changeTooLarge(change.data.length, maxBodyBytes)
          if (tooLarge) return Effect.zipRight(tokens.checkRow(caller), Effect.fail(tooLarge))
        }
        const prepared: Array<NewChange> = incoming.map((change) => ({
          clientSeq: change.clientSeq,
          key: asBuffer(change.key),
          digest: sha256(change.data),
          data: asBuffer(change.data)
        }))
        return usage
          .claiming((claim) =>
            Effect.gen(function* () {
              const appended = yield* Effect.promise(async () => {
                if (hasRepeatedClientSeq(prepared)) return undefined
                const addedBytes = prepared.reduce((sum, change) => sum + change.data.length, 0)
                // No room for it all may still be a retry that stores nothing: the careful path decides.
                if (await claim.take(addedBytes, () => storedBytes(db))) return undefined
                return appendChanges(pool, caller, workspaceQuotaBytes, prepared)
              })
              if (!appended) {
                // The statement did not check the token row for nothing: it may be why nothing was stored.
                yield* tokens.checkRow(caller)
                return yield* pushCarefully(claim, caller, prepared)
              }
              yield* lastSeen.seen(caller.workspaceId, caller.tokenId)
              const results = prepared.map((change, i) => ({ clientSeq: change.clientSeq, seq: appended.seqs[i]! }))
              const stored = prepared
                .map((change, i) => ({
                  seq: appended.seqs[i]!,
                  deviceId: caller.deviceId,
                  clientSeq: change.clientSeq,
                  key: change.key,
                  kind: "update" as const,
                  data: change.data
                }))
                .sort((a, b) => a.seq - b.seq)
              const before = appended.headSeq - prepared.length
              return { results, headSeq: appended.headSeq, stored: true, appended: { before, changes: stored } }
            })
          )
          .pipe(announceIfStored(caller.workspaceId))
      })

    /**
     * Appends `data` as a snapshot of `key` at the next seq and deletes that key's changes up
     * to `covers`, in one transaction. Idempotent on `(device, clientSeq)` like a push. The
     * quota is checked on the result: a compaction that does not grow the workspace always goes.
     */
    const compact = (caller: Caller, compaction: Compaction) =>
      usage
        .claiming((claim) =>
          transaction<{ seq: number; removed: number; headSeq: number; stored: boolean }, WriteError | CompactionConflict>(
            async (tx, abort) => {
              const tooLarge = changeTooLarge(compaction.data.length, maxBodyBytes)
              if (tooLarge) abort(tooLarge)
              const workspace = await lockWorkspace(tx, caller.workspaceId)
              if (!workspace) return abort(notFound())
              const fingerprint = { key: compaction.key, kind: changeKind.snapshot, digest: sha256(compaction.data) }
              const first = (await fingerprints(tx, caller, [compaction.clientSeq])).get(compaction.clientSeq)
              if (first) {
                if (!sameChange(first, fingerprint)) abort(reused(compaction.clientSeq))
                return { seq: first.seq, removed: 0, headSeq: workspace.headSeq, stored: false }
              }
              if (compaction.covers > workspace.headSeq) {
                abort(
                  new CompactionConflict({
                    message: `This compaction covers changes up to ${compaction.covers}, past the workspace head ${workspace.headSeq}; pull and compact again.`
                  })
                )
              }
              const { rows } = await tx.execute<{ removed: string; freed: string }>(sql`
            WITH gone AS (
              DELETE FROM changes
              WHERE workspace_id = ${caller.workspaceId} AND key = ${Buffer.from(compaction.key)} AND seq <= ${compaction.covers}
              RETURNING size
            )
            SELECT count(*) AS removed, coalesce(sum(size), 0) AS freed FROM gone
          `)
              const removed = Number(rows[0]!.removed)
              const bytesUsed = workspace.bytesUsed - Number(rows[0]!.freed) + compaction.data.length
              if (bytesUsed > workspaceQuotaBytes && bytesUsed > workspace.bytesUsed)
                abort(quotaExceeded(workspaceQuotaBytes, workspace.bytesUsed))
              const full = await claim.take(bytesUsed - workspace.bytesUsed, () => storedBytes(tx))
              if (full) abort(full)
              const seq = workspace.headSeq + 1
              await tx.insert(changes).values({
                workspaceId: caller.workspaceId,
                seq,
                deviceId: caller.deviceId,
                clientSeq: compaction.clientSeq,
                ...fingerprint,
                size: compaction.data.length,
                data: compaction.data
              })
              await tx
                .update(workspaces)
                .set({ headSeq: seq, bytesUsed, changeCount: workspace.changeCount - removed + 1 })
                .where(eq(workspaces.id, caller.workspaceId))
              return { seq, removed, headSeq: seq, stored: true }
            }
          )
        )
        .pipe(announceIfStored(caller.workspaceId))

    /**
     * A page of the log after `after`: at most `limit` changes, stopping before their data
     * passes `maxBytes`, and before the JSON answer passes MAX_BODY_BYTES (base64 is 4/3 of
     * the data). Always at least one change when there is one, which fits: no stored change
     * is larger than a page (see `maxChangeBytes`).
     */
    const boundsOf = (after: number, limit: number, maxBytes: number): PageBounds => ({
      after,
      limit,
      maxBytes,
      maxWireBytes: Math.max(maxBodyBytes, wireBytesPerPage)
    })

    /** A page as the API answers it. */
    const answerOf = (page: ChangePage) => ({
      changes: page.changes.map(({ seq, deviceId, key, kind, data }) => ({ seq, deviceId, key, kind, data })),
      headSeq: page.headSeq,
      hasMore: page.more
    })

    /** The page after `after` within the bounds (see `boundsOf`), read from the log. */
    const pull = (workspaceId: string, after: number, limit: number, maxBytes: number = Limits.defaultPageBytes) =>
      query((db) => readChangePage(db, workspaceId, boundsOf(after, limit, maxBytes))).pipe(
        Effect.flatMap((page) => (page ? Effect.succeed(answerOf(page)) : Effect.fail(notFound())))
      )

    /** The page `pull` would answer, when it is exactly what one push stored (see `pageOfAppended`). */
    const pageOf = (appended: Appended, after: number, limit: number, maxBytes: number) => {
      const page = pageOfAppended(appended, boundsOf(after, limit, maxBytes))
      return page && answerOf(page)
    }

    /** The head, 0 for an unknown workspace; prepared, as every long-poll reads it. */
    const headSeq = (workspaceId: string) =>
      Effect.promise(() => pool.query<{ head_seq: string }>({ ...readHead, values: [workspaceId] })).pipe(
        Effect.map(({ rows: [row] }) => (row ? Number(row.head_seq) : 0))
      )

    return { push, compact, pull, pageOf, headSeq } as const
  })
}) {}
