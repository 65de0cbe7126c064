/**
 * Uploads the attachment chunks waiting in `blobUploads`, before the round pushes changes, so
 * a note's change never reaches another device before the chunks it refers to. The server is
 * asked which it lacks first (another device, or an earlier add, may have sent them). A row
 * leaves the queue only once the server holds its chunk; a chunk that does not fit the quota
 * stays with the reason, shown on its file, and is tried again later. Nothing is dropped.
 */
import { Limits } from "@quire/shared"
import { Either } from "effect"
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

export class BlobUploader {
  /** The quota failure of the last pass, while some chunk is waiting on it. */
  quotaFailure: SyncError | undefined

  constructor(
    private readonly db: QuireDb,
    private readonly api: SyncApi,
    private readonly clock: () => number = Date.now
  ) {}

  private async due(limit: number): Promise<Array<BlobUploadRow>> {
    const now = this.clock()
    return this.db.blobUploads
      .filter((row) => (row.retryAt ?? 0) <= now)
      .limit(limit)
      .toArray()
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
   * still being stored on the device (a file being added) join as they arrive: a worker that
   * runs out asks for what became due, so uploads keep `parallel` requests going instead of
   * waiting for each group to finish.
   */
  async uploadAll(onProgress: () => Promise<void> = async () => {}): Promise<SyncError | undefined> {
    this.quotaFailure = undefined
    const taken = new Set<string>()
    const queue: Array<BlobUploadRow> = []
    let failure: SyncError | undefined
    /** Queues the due chunks not taken yet that the server lacks; false when none was due. */
    const refill = async (): Promise<boolean> => {
      const rows = (await this.due(Limits.maxMissingQuery + taken.size))
        .filter((row) => !taken.has(row.id))
        .slice(0, Limits.maxMissingQuery)
      if (rows.length === 0) return false
      for (const row of rows) taken.add(row.id)
      const asked = await this.api.missingBlobs(rows.map((row) => row.id))
      if (Either.isLeft(asked)) {
        failure ??= asked.left
        return false
      }
      const missing = new Set(asked.right)
      await this.db.blobUploads.bulkDelete(rows.filter((row) => !missing.has(row.id)).map((row) => row.id))
      queue.push(...rows.filter((row) => missing.has(row.id)))
      return true
    }
    let refilling: Promise<boolean> | undefined
    const next = async (): Promise<BlobUploadRow | undefined> => {
      for (;;) {
        if (failure) return undefined
        const row = queue.shift()
        if (row) return row
        // Workers that run out together share one look at the queue.
        if (!(await (refilling ??= refill().finally(() => (refilling = undefined))))) return queue.shift()
      }
    }
    // Chunks the server now holds leave the queue together, every `settleMs` and at the end: one
    // write and one status update for several, rather than one each for every tab to react to.
    const held: Array<string> = []
    let settledAt = Date.now()
    const settle = async () => {
      const ids = held.splice(0)
      if (ids.length === 0) return
      await this.db.blobUploads.bulkDelete(ids)
      await onProgress()
    }
    const worker = async () => {
      for (let row = await next(); row; row = await next()) {
        const outcome = await this.upload(row)
        if (outcome === "held") {
          held.push(row.id)
          if (Date.now() - settledAt < settleMs) continue
          settledAt = Date.now()
          await settle()
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
    return failure
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
    const blob = await this.db.blobs.get(row.id)
    if (!blob) {
      // Only removing unreferenced chunks deletes a cached one; keep the row and say so rather than drop it.
      await this.db.blobUploads.update(row.id, { error: "This piece of the file is no longer on this device.", retryAt: Infinity })
      return undefined
    }
    const stored = await this.api.putBlob(row.id, blob.data)
    // 409: the server holds this id with other bytes: the same chunk, sealed by another device.
    if (Either.isRight(stored) || stored.left.tag === "BlobConflict") return "held"
    if (stored.left.kind !== "quota") return stored.left
    this.quotaFailure = stored.left
    await this.db.blobUploads.update(row.id, { error: stored.left.message, retryAt: this.clock() + quotaRetryMs })
    return undefined
  }
}
