/**
 * Uploads the attachment chunks waiting in `blobUploads`, before the round pushes changes, so
 * a note's change never reaches another device before the chunks it refers to. The server is
 * asked which it lacks first (another device, or an earlier add, may have sent them). A row
 * leaves the queue only once the server holds its chunk; a chunk that does not fit the quota
 * stays with the reason, shown on its file, and is tried again later. Nothing is dropped.
 */
import { Limits } from "@quire/shared"
import { Either } from "effect"
import type { HandedChunk } from "../attachments/StoredChunk.js"
import type { BlobUploadRow, QuireDb } from "../data/QuireDb.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

/**
 * Chunks in flight at once: Chromium sends each request's body slowly enough that more in
 * flight go faster (1 MiB PUTs over loopback: 1 → 20, 4 → 30, 8 → 40 MiB/s), up to the six
 * connections it opens to one server.
 */
const parallel = 6
/** How often chunks the server holds are removed from the queue while uploading. */
const settleMs = 250
/** How long a chunk that did not fit waits before it is tried again. */
export const quotaRetryMs = 60_000
/**
 * Handed chunks kept at most: each keeps its Blob's bytes alive in the browser, so a file added
 * faster than it uploads is not held whole; the rest are read from IndexedDB when their turn comes.
 */
const maxHanded = 16

export class BlobUploader {
  /** The quota failure of the last pass, while some chunk is waiting on it. */
  quotaFailure: SyncError | undefined
  /** Chunks a file being added just stored (`hand`), by id, until an upload takes them. */
  private readonly handed = new Map<string, HandedChunk>()

  constructor(
    private readonly db: QuireDb,
    private readonly api: SyncApi,
    private readonly clock: () => number = Date.now
  ) {}

  /**
   * Chunks just stored by a file being added, with their Blobs: uploaded next without reading
   * IndexedDB, whose reads would each wait for the add's transaction writing the next chunks.
   * Their rows are in `blobUploads` already; this only saves reading them.
   */
  hand(chunks: ReadonlyArray<HandedChunk>): void {
    for (const chunk of chunks) if (this.handed.size < maxHanded) this.handed.set(chunk.row.id, chunk)
  }

  /** Due rows not in `taken`: handed ones first, without a read; the queue when none is left. */
  private async due(taken: ReadonlySet<string>): Promise<Array<BlobUploadRow>> {
    const handed = [...this.handed.values()].map((chunk) => chunk.row).filter((row) => !taken.has(row.id))
    if (handed.length > 0) return handed.slice(0, Limits.maxMissingQuery)
    const now = this.clock()
    const rows = await this.db.blobUploads
      .filter((row) => (row.retryAt ?? 0) <= now)
      .limit(Limits.maxMissingQuery + taken.size)
      .toArray()
    return rows.filter((row) => !taken.has(row.id)).slice(0, Limits.maxMissingQuery)
  }

  /** When the next chunk that failed becomes due again, if one did. */
  async nextRetryAt(): Promise<number | undefined> {
    let next: number | undefined
    await this.db.blobUploads.each((row) => {
      if (row.retryAt !== undefined && (next === undefined || row.retryAt < next)) next = row.retryAt
    })
    return next
  }

  /**
   * Uploads every due chunk; a failure that is not the quota ends it with that error. Chunks
   * still being stored on the device (a file being added) join as they arrive: the next ones
   * are looked up while these go up, so uploads keep `parallel` requests going instead of
   * waiting for each group to finish. Resolves with whether any chunk was due.
   */
  async uploadAll(onProgress: () => Promise<void> = async () => {}): Promise<{ readonly failure?: SyncError; readonly any: boolean }> {
    this.quotaFailure = undefined
    const taken = new Set<string>()
    const queue: Array<BlobUploadRow> = []
    let failure: SyncError | undefined
    /** Queues the due chunks not taken yet that the server lacks; false when none was due. */
    const refill = async (): Promise<boolean> => {
      const rows = await this.due(taken)
      if (rows.length === 0) return false
      for (const row of rows) taken.add(row.id)
      const asked = await this.api.missingBlobs(rows.map((row) => row.id))
      if (Either.isLeft(asked)) {
        failure ??= asked.left
        return false
      }
      const missing = new Set(asked.right)
      // Queued first: a write here waits for the transaction storing the file's next chunks.
      queue.push(...rows.filter((row) => missing.has(row.id)))
      const alreadyHeld = rows.filter((row) => !missing.has(row.id)).map((row) => row.id)
      for (const id of alreadyHeld) this.handed.delete(id)
      if (alreadyHeld.length > 0) await this.db.blobUploads.bulkDelete(alreadyHeld)
      return true
    }
    // Workers that run out together share one look at the queue.
    let refilling: Promise<boolean> | undefined
    const refillOnce = () => (refilling ??= refill().finally(() => (refilling = undefined)))
    let lastRefillFound = true
    const next = async (): Promise<BlobUploadRow | undefined> => {
      for (;;) {
        if (failure) return undefined
        const row = queue.shift()
        if (row) {
          // The next chunks are looked up and asked about while these go up: workers that ran
          // out would otherwise wait for that answer, from a server busy storing, doing nothing.
          // A look that fails here is left to the next one, made when the queue runs out, which throws.
          if (queue.length < parallel && lastRefillFound && !refilling) {
            void refillOnce().then(
              (found) => (lastRefillFound = found),
              () => (lastRefillFound = false)
            )
          }
          return row
        }
        lastRefillFound = await refillOnce()
        if (!lastRefillFound) return queue.shift()
      }
    }
    // Chunks the server now holds leave the queue together, every `settleMs` and at the end: one
    // write and one status update for several, rather than one each for every tab to react to.
    // The write waits for the add's transactions, so uploads go on meanwhile.
    const held: Array<string> = []
    let settledAt = Date.now()
    let settling: Promise<void> = Promise.resolve()
    const settle = (): Promise<void> => {
      const ids = held.splice(0)
      if (ids.length === 0) return settling
      settling = settling.then(async () => {
        await this.db.blobUploads.bulkDelete(ids)
        await onProgress()
      })
      // Awaited at the end; marked handled so a failure meanwhile is not reported as unhandled.
      settling.catch(() => undefined)
      return settling
    }
    const worker = async () => {
      for (let row = await next(); row; row = await next()) {
        const outcome = await this.upload(row)
        if (outcome === "held") {
          held.push(row.id)
          if (Date.now() - settledAt < settleMs) continue
          settledAt = Date.now()
          void settle()
        } else if (outcome) failure ??= outcome
        else await onProgress()
      }
    }
    try {
      await Promise.all(Array.from({ length: parallel }, worker))
    } finally {
      await settle()
    }
    this.quotaFailure ??= await this.waitingOnQuota()
    return { ...(failure && { failure }), any: taken.size > 0 }
  }

  /**
   * A chunk that did not fit and waits for its next try (not due in this pass) still keeps the
   * status honest: the workspace is full, whatever else this pass did.
   */
  private async waitingOnQuota(): Promise<SyncError | undefined> {
    const waiting = await this.db.blobUploads.filter((row) => row.error !== undefined && Number.isFinite(row.retryAt ?? NaN)).first()
    return waiting && { kind: "quota", message: waiting.error!, tag: "QuotaExceeded" }
  }

  /** One chunk: "held" once the server holds it (stored, or already there), kept with its reason if it did not fit. */
  private async upload(row: BlobUploadRow): Promise<"held" | SyncError | undefined> {
    const data = this.handed.get(row.id)?.data ?? (await this.db.blobs.get(row.id))?.data
    // Tried once from the hand-over, whatever the outcome: from then on the queue's row says what is left.
    this.handed.delete(row.id)
    if (!data) {
      // Only removing unreferenced chunks deletes a cached one; keep the row and say so rather than drop it.
      await this.db.blobUploads.update(row.id, { error: "This piece of the file is no longer on this device.", retryAt: Infinity })
      return undefined
    }
    const stored = await this.api.putBlob(row.id, data)
    // 409: the server holds this id with other bytes: the same chunk, sealed by another device.
    if (Either.isRight(stored) || stored.left.tag === "BlobConflict") return "held"
    if (stored.left.kind !== "quota") return stored.left
    this.quotaFailure = stored.left
    await this.db.blobUploads.update(row.id, { error: stored.left.message, retryAt: this.clock() + quotaRetryMs })
    return undefined
  }
}
