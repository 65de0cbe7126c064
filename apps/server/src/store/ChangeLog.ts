/**
 * The per-workspace change log. Seqs are assigned under a row lock on the workspace inside the
 * insert's transaction, so they run 1, 2, 3 … with no gap however many processes push; a
 * `(deviceId, clientSeq)` already stored answers with its first seq and stores nothing.
 */
import { QuotaExceeded, SnapshotConflict, type Caller } from "@quire/shared"
import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm"
import { Effect, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { Notifier, notifyChannel } from "../notify/Notifier.js"
import { Database, type Tx } from "./Database.js"
import { changes, snapshots, workspaces } from "./schema.js"
import { notFound } from "./Workspaces.js"

export interface IncomingChange {
  readonly clientSeq: number
  readonly data: Uint8Array
}

/** Rows a single INSERT carries; keeps bind parameters far below Postgres' 65,535. */
const insertChunk = 1000

export const insertChanges = async (tx: Tx, rows: ReadonlyArray<typeof changes.$inferInsert>) => {
  for (let i = 0; i < rows.length; i += insertChunk) await tx.insert(changes).values(rows.slice(i, i + insertChunk))
}

export const lockWorkspace = (tx: Tx, workspaceId: string) =>
  tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for("update").then(([row]) => row)

export const quotaExceeded = (quotaBytes: number, bytesUsed: number) =>
  new QuotaExceeded({
    message: `This workspace would use more than its ${quotaBytes} bytes; compact it or delete old data.`,
    quotaBytes,
    bytesUsed
  })

export class ChangeLog extends Effect.Service<ChangeLog>()("@quire/server/ChangeLog", {
  effect: Effect.gen(function* () {
    const { query, transaction, listenConfig } = yield* Database
    // Other processes can only be listening on a real Postgres; the embedded one has just us.
    const notifyOtherProcesses = Option.isSome(listenConfig)
    const { workspaceQuotaBytes } = yield* AppConfig
    const notifier = yield* Notifier

    const push = (caller: Caller, incoming: ReadonlyArray<IncomingChange>) =>
      transaction<{ results: Array<{ clientSeq: number; seq: number }>; headSeq: number; stored: number }, ReturnType<typeof notFound> | QuotaExceeded>(
        async (tx, abort) => {
          const workspace = await lockWorkspace(tx, caller.workspaceId)
          if (!workspace) return abort(notFound())
          const clientSeqs = [...new Set(incoming.map((c) => c.clientSeq))]
          const known = await tx
            .select({ clientSeq: changes.clientSeq, seq: changes.seq })
            .from(changes)
            .where(
              and(eq(changes.workspaceId, caller.workspaceId), eq(changes.deviceId, caller.deviceId), inArray(changes.clientSeq, clientSeqs))
            )
          const seqOf = new Map(known.map((row) => [row.clientSeq, row.seq]))
          let headSeq = workspace.headSeq
          let addedBytes = 0
          const rows: Array<typeof changes.$inferInsert> = []
          for (const change of incoming) {
            if (seqOf.has(change.clientSeq)) continue
            headSeq += 1
            seqOf.set(change.clientSeq, headSeq)
            addedBytes += change.data.length
            rows.push({ workspaceId: caller.workspaceId, seq: headSeq, deviceId: caller.deviceId, clientSeq: change.clientSeq, data: change.data })
          }
          if (rows.length > 0) {
            if (workspace.bytesUsed + addedBytes > workspaceQuotaBytes) abort(quotaExceeded(workspaceQuotaBytes, workspace.bytesUsed))
            await insertChanges(tx, rows)
            await tx
              .update(workspaces)
              .set({ headSeq, bytesUsed: workspace.bytesUsed + addedBytes })
              .where(eq(workspaces.id, caller.workspaceId))
            if (notifyOtherProcesses) {
              await tx.execute(sql`SELECT pg_notify(${notifyChannel}, ${`${caller.workspaceId}:${headSeq}`})`)
            }
          }
          const results = incoming.map((change) => ({ clientSeq: change.clientSeq, seq: seqOf.get(change.clientSeq)! }))
          return { results, headSeq, stored: rows.length }
        }
      ).pipe(Effect.tap(({ headSeq, stored }) => (stored > 0 ? notifier.publish(caller.workspaceId, headSeq) : Effect.void)))

    /**
     * A page of the log after `after`. When `after` lies before the snapshot, the snapshot comes
     * first and the changes follow it. Read in one repeatable-read transaction so a concurrent
     * compaction cannot open a gap between the snapshot and the changes.
     */
    const pull = (workspaceId: string, after: number, limit: number) =>
      transaction(
        async (tx, abort: (error: ReturnType<typeof notFound>) => never) => {
          const [workspace] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId))
          if (!workspace) return abort(notFound())
          let snapshot: { seq: number; data: Uint8Array } | null = null
          let from = after
          if (after < workspace.snapshotSeq) {
            const [row] = await tx
              .select({ seq: snapshots.seq, data: snapshots.data })
              .from(snapshots)
              .where(and(eq(snapshots.workspaceId, workspaceId), eq(snapshots.seq, workspace.snapshotSeq)))
            snapshot = row ?? null
            from = workspace.snapshotSeq
          }
          const page = await tx
            .select({ seq: changes.seq, deviceId: changes.deviceId, data: changes.data })
            .from(changes)
            .where(and(eq(changes.workspaceId, workspaceId), gt(changes.seq, from)))
            .orderBy(asc(changes.seq))
            .limit(limit)
          const reached = page.length > 0 ? page[page.length - 1]!.seq : from
          return { snapshot, changes: page, headSeq: workspace.headSeq, hasMore: reached < workspace.headSeq }
        },
        { isolationLevel: "repeatable read", accessMode: "read only" }
      )

    const headSeq = (workspaceId: string) =>
      query((db) => db.select({ headSeq: workspaces.headSeq }).from(workspaces).where(eq(workspaces.id, workspaceId))).pipe(
        Effect.map(([row]) => row?.headSeq ?? 0)
      )

    /** Stores a snapshot covering every change ≤ seq, then prunes those changes and older snapshots. */
    const putSnapshot = (workspaceId: string, seq: number, data: Uint8Array) =>
      transaction<number, ReturnType<typeof notFound> | SnapshotConflict | QuotaExceeded>(async (tx, abort) => {
        const workspace = await lockWorkspace(tx, workspaceId)
        if (!workspace) return abort(notFound())
        if (seq > workspace.headSeq) {
          abort(new SnapshotConflict({ message: `A snapshot at ${seq} lies past the workspace head ${workspace.headSeq}.` }))
        }
        if (seq <= workspace.snapshotSeq) {
          abort(new SnapshotConflict({ message: `The workspace already has a snapshot at ${workspace.snapshotSeq}; pull and snapshot again.` }))
        }
        const [freed] = await tx
          .select({
            changes: sql<string>`coalesce((SELECT sum(octet_length(data)) FROM changes WHERE workspace_id = ${workspaceId} AND seq <= ${seq}), 0)`,
            snapshots: sql<string>`coalesce((SELECT sum(octet_length(data)) FROM snapshots WHERE workspace_id = ${workspaceId}), 0)`
          })
          .from(sql`(SELECT 1) AS one`)
        const bytesUsed = workspace.bytesUsed - Number(freed!.changes) - Number(freed!.snapshots) + data.length
        if (bytesUsed > workspaceQuotaBytes) abort(quotaExceeded(workspaceQuotaBytes, workspace.bytesUsed))
        await tx.delete(snapshots).where(eq(snapshots.workspaceId, workspaceId))
        await tx.insert(snapshots).values({ workspaceId, seq, data })
        await tx.delete(changes).where(and(eq(changes.workspaceId, workspaceId), lte(changes.seq, seq)))
        await tx.update(workspaces).set({ snapshotSeq: seq, bytesUsed }).where(eq(workspaces.id, workspaceId))
        return seq
      })

    return { push, pull, headSeq, putSnapshot } as const
  })
}) {}
