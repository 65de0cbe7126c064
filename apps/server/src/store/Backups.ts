/**
 * Whole-workspace backup and restore as streams, in `@quire/shared`'s QBAK v2 format. The
 * bytes stay ciphertext: a restore creates a new workspace with the same log and blobs,
 * readable only by whoever holds the workspace key. Neither direction holds more than a batch
 * (a quarter mebibyte plus one record) in memory, whatever the workspace's size.
 */
import {
  BackupFormatError,
  BackupWriter,
  InvalidBackup,
  Limits,
  PayloadTooLarge,
  readBackup,
  type BackupEnd,
  type QuotaExceeded,
  type ServerFull
} from "@quire/shared"
import { eq, sql } from "drizzle-orm"
import { Chunk, Effect, Option, Stream } from "effect"
import { randomUUID } from "node:crypto"
import { Tokens } from "../auth/Tokens.js"
import { AppConfig } from "../config/AppConfig.js"
import { insertChanges, sha256 } from "./ChangeLog.js"
import { maxChangeBytes, readChangePage } from "./ChangePages.js"
import { Database, type Db } from "./Database.js"
import { blobs, changeKind, changes, workspaces } from "./schema.js"
import { ServerUsage, storedBytes } from "./ServerUsage.js"
import { quotaExceeded } from "./Workspaces.js"

/**
 * One batch read for a download, or written for a restore: about this many data bytes …
 * (a quarter mebibyte: larger batches measured no faster and left more garbage per batch
 * for the collector, see `npm run bench`)
 */
const batchBytes = 256 * 1024
/** … or this many records, whichever comes first. */
const batchRecords = 500

/** The blobs after `after` in id order, stopping before their data passes `batchBytes` (at least one). */
const readBlobBatch = async (db: Db, workspaceId: string, after: Uint8Array) => {
  const { rows } = await db.execute<{ id: Buffer; data: Buffer }>(sql`
    WITH candidates AS (
      SELECT id, row_number() OVER w AS n, sum(size::bigint) OVER w AS bytes
      FROM blobs
      WHERE workspace_id = ${workspaceId} AND id > ${Buffer.from(after)}
      WINDOW w AS (ORDER BY id ROWS UNBOUNDED PRECEDING)
      ORDER BY id
      LIMIT ${batchRecords}
    )
    SELECT b.id, b.data
    FROM candidates JOIN blobs b ON b.workspace_id = ${workspaceId} AND b.id = candidates.id
    WHERE candidates.n = 1 OR candidates.bytes <= ${batchBytes}::bigint
    ORDER BY b.id
  `)
  return rows.map((row) => ({
    id: new Uint8Array(row.id),
    data: new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength)
  }))
}

type DownloadStep =
  | { readonly phase: "changes"; readonly after: number }
  | { readonly phase: "blobs"; readonly after: Uint8Array }
  | { readonly phase: "end" }
  | { readonly phase: "done" }

/** The codes Postgres answers a broken unique or primary key with, possibly wrapped by drizzle. */
const isUniqueViolation = (error: unknown): boolean =>
  typeof error === "object" &&
  error !== null &&
  ((error as { code?: unknown }).code === "23505" || isUniqueViolation((error as { cause?: unknown }).cause))

export interface RestoredWorkspace {
  readonly workspaceId: string
  readonly deviceId: string
  readonly masterToken: string
}

export class Backups extends Effect.Service<Backups>()("@quire/server/Backups", {
  effect: Effect.gen(function* () {
    const { query, transaction } = yield* Database
    const { workspaceQuotaBytes, maxBodyBytes } = yield* AppConfig
    const tokens = yield* Tokens
    const usage = yield* ServerUsage
    const largestChange = maxChangeBytes(maxBodyBytes)

    /**
     * The backup as a byte stream. Changes are read in seq order by keyset (seq > last) in
     * batches, then blobs by id the same way; a batch is read only when the previous one was
     * written out (the HTTP response waits for the socket to drain), so memory stays at a batch.
     *
     * No transaction spans the download, and none is needed: a push only appends at seqs past
     * the head, and a compaction appends its snapshot past the head and deletes only changes of
     * its key that the snapshot contains. So a change the keyset read has not reached yet is
     * either still there when it gets there, or was replaced by a snapshot it will reach later;
     * nothing is missed, at worst a key has both old changes and the snapshot that covers them,
     * which restores to the same documents. Seqs also commit in order (the workspace row lock
     * is held to commit), so a read never sees seq n + 1 before n. The end record carries the
     * head read last, which is at least the last seq written.
     */
    const download = (workspaceId: string): Stream.Stream<Uint8Array> =>
      Stream.suspend(() => {
        const writer = new BackupWriter()
        const step = (at: DownloadStep): Effect.Effect<Option.Option<readonly [Chunk.Chunk<Uint8Array>, DownloadStep]>> => {
          switch (at.phase) {
            case "changes":
              return query((db) => readChangePage(db, workspaceId, { after: at.after, limit: batchRecords, maxBytes: batchBytes })).pipe(
                Effect.flatMap((page) => {
                  if (!page) return Effect.die(new Error("The workspace was deleted during its backup."))
                  const last = page.changes.at(-1)
                  if (!last) return step({ phase: "blobs", after: new Uint8Array() })
                  const records = page.changes.map((change) => writer.change(change))
                  return Effect.succeed(Option.some([Chunk.unsafeFromArray(records), { phase: "changes", after: last.seq }] as const))
                })
              )
            case "blobs":
              return query((db) => readBlobBatch(db, workspaceId, at.after)).pipe(
                Effect.flatMap((batch) => {
                  const last = batch.at(-1)
                  if (!last) return step({ phase: "end" })
                  const records = batch.map((blob) => writer.blob(blob))
                  return Effect.succeed(Option.some([Chunk.unsafeFromArray(records), { phase: "blobs", after: last.id }] as const))
                })
              )
            case "end":
              return query((db) => db.select({ headSeq: workspaces.headSeq }).from(workspaces).where(eq(workspaces.id, workspaceId))).pipe(
                Effect.flatMap(([row]) =>
                  row
                    ? Effect.succeed(Option.some([Chunk.of(writer.end(row.headSeq)), { phase: "done" }] as const))
                    : Effect.die(new Error("The workspace was deleted during its backup."))
                )
              )
            case "done":
              return Effect.succeed(Option.none())
          }
        }
        return Stream.concat(
          Stream.sync(() => writer.header()),
          Stream.unfoldChunkEffect<DownloadStep, Uint8Array, never, never>({ phase: "changes", after: 0 }, step)
        )
      })

    /** Past this many bytes an upload is refused even if its data fits the quota: record framing is small. */
    const uploadLimit = 2 * workspaceQuotaBytes + batchBytes

    /**
     * Reads a backup from `body` as it arrives and stores it as a new workspace, in one
     * transaction that commits only after the end record and the checksum were verified: a
     * cut or corrupt upload rolls back and leaves nothing. Digests and sizes are recomputed
     * here; the data counts against the workspace quota as it arrives, and against the server
     * quota batch by batch.
     */
    const restore = (body: AsyncIterable<Uint8Array>, stopReading: () => void) =>
      usage.claiming((claim) =>
        transaction<RestoredWorkspace, InvalidBackup | QuotaExceeded | ServerFull | PayloadTooLarge>(async (tx, abort, signal) => {
          // The client went away: stop waiting for its bytes, so the transaction rolls back now.
          signal.addEventListener("abort", stopReading, { once: true })
          let uploaded = 0
          const counted = async function* () {
            const chunks = body[Symbol.asyncIterator]()
            for (;;) {
              // A connection that breaks mid-upload is a cut backup, not a server fault.
              const next = await chunks.next().catch(() => {
                throw new BackupFormatError({ message: "The upload was cut off before the backup ended." })
              })
              if (next.done) return
              uploaded += next.value.length
              if (uploaded > uploadLimit) {
                abort(
                  new PayloadTooLarge({
                    message: `This backup is larger than a workspace here can be (${uploadLimit} bytes).`,
                    maxBytes: uploadLimit
                  })
                )
              }
              yield next.value
            }
          }
          const notFull = await claim.ensureNotFull(() => storedBytes(tx))
          if (notFull) abort(notFull)
          const workspaceId = randomUUID()
          const deviceId = randomUUID()
          await tx.insert(workspaces).values({ id: workspaceId })
          let end: BackupEnd
          let bytesUsed = 0
          let changeCount = 0
          const changeRows: Array<typeof changes.$inferInsert> = []
          const blobRows: Array<typeof blobs.$inferInsert> = []
          let pendingBytes = 0
          const flush = async () => {
            const full = await claim.take(bytesUsed, () => storedBytes(tx))
            if (full) abort(full)
            await insertChanges(tx, changeRows.splice(0))
            if (blobRows.length > 0) await tx.insert(blobs).values(blobRows.splice(0))
            pendingBytes = 0
          }
          try {
            const records = readBackup(counted(), { maxRecordBytes: Math.max(largestChange, Limits.maxBlobBytes) })
            for (;;) {
              const next = await records.next()
              if (next.done) {
                end = next.value
                break
              }
              const record = next.value
              bytesUsed += record.data.length
              if (bytesUsed > workspaceQuotaBytes) abort(quotaExceeded(workspaceQuotaBytes, bytesUsed - record.data.length))
              if (record.type === "change") {
                if (record.data.length > largestChange) {
                  abort(
                    new InvalidBackup({
                      message: `The backup's change ${record.seq} (${record.data.length} bytes) is larger than this server stores (${largestChange} bytes).`
                    })
                  )
                }
                changeCount += 1
                changeRows.push({
                  workspaceId,
                  seq: record.seq,
                  deviceId: record.deviceId,
                  clientSeq: record.clientSeq,
                  key: record.key,
                  kind: changeKind[record.kind],
                  digest: sha256(record.data),
                  size: record.data.length,
                  data: record.data
                })
              } else {
                blobRows.push({ workspaceId, id: record.id, size: record.data.length, data: record.data })
              }
              pendingBytes += record.data.length
              if (pendingBytes >= batchBytes || changeRows.length + blobRows.length >= batchRecords) await flush()
            }
            await flush()
          } catch (error) {
            if (error instanceof BackupFormatError) return abort(new InvalidBackup({ message: error.message }))
            if (isUniqueViolation(error)) {
              return abort(
                new InvalidBackup({ message: "The backup is inconsistent: it holds a device's clientSeq, or a blob id, twice." })
              )
            }
            throw error
          }
          await tx.update(workspaces).set({ headSeq: end.headSeq, bytesUsed, changeCount }).where(eq(workspaces.id, workspaceId))
          const masterToken = await tokens.insert(tx, { workspaceId, role: "master", deviceId, label: "restored device" })
          return { workspaceId, deviceId, masterToken }
        })
      )

    return { download, restore } as const
  })
}) {}
