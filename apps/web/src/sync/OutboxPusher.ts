/**
 * Pushes the outbox in batches and removes only what the server acknowledged. A change the
 * server refuses as too large (413 PayloadTooLarge, alone in its request) is held back,
 * visibly, and the queue goes on: one oversized note never blocks every later edit. Held
 * changes stay in the outbox (nothing is lost) and are tried again when the engine restarts.
 */
import { Either } from "effect"
import type { QuireDb } from "../data/QuireDb.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

export interface HeldBack {
  readonly docId: string
  readonly bytes: number
}

export class OutboxPusher {
  /** Changes set aside as too large, by clientSeq. */
  readonly heldBack = new Map<number, HeldBack>()

  constructor(
    private readonly db: QuireDb,
    private readonly api: SyncApi,
    private readonly limits: { readonly batchMaxChanges: number; readonly batchMaxBytes: number }
  ) {}

  /**
   * The next batch, frozen in the same transaction that reads it: edits made from now on fold
   * into new entries, and a retry of this push sends exactly these bytes again.
   */
  private takeBatch(maxChanges: number, upTo: number) {
    return this.db.transaction("rw", this.db.outbox, async () => {
      const batch: Array<{ clientSeq: number; key: Uint8Array; data: Uint8Array; docId: string }> = []
      let bytes = 0
      const next = await this.db.outbox
        .orderBy("clientSeq")
        .filter((entry) => entry.clientSeq! <= upTo && !this.heldBack.has(entry.clientSeq!))
        .limit(maxChanges)
        .toArray()
      for (const entry of next) {
        if (batch.length > 0 && bytes + entry.blob.length > this.limits.batchMaxBytes) break
        batch.push({ clientSeq: entry.clientSeq!, key: entry.key, data: entry.blob, docId: entry.docId })
        bytes += entry.blob.length
      }
      const opening = next.filter((entry) => entry.frozen !== 1 && batch.some((b) => b.clientSeq === entry.clientSeq))
      if (opening.length > 0) await this.db.outbox.bulkPut(opening.map((entry) => ({ ...entry, frozen: 1 as const })))
      return batch
    })
  }

  /** Pushes everything not held back; a failure that is not about size ends it with that error. */
  async pushAll(onProgress: () => Promise<void>): Promise<SyncError | undefined> {
    let maxChanges = this.limits.batchMaxChanges
    // What was there when the push began; edits made while it runs wait for the next push, so
    // a burst of typing costs one push per interval rather than one per answer.
    const upTo = (await this.db.outbox.orderBy("clientSeq").lastKey()) as number | undefined
    // Nothing to push: no write transaction, so a round that only pulls starts pulling at once.
    if (upTo === undefined) return undefined
    for (;;) {
      const batch = await this.takeBatch(maxChanges, upTo)
      if (batch.length === 0) return undefined
      const acked = await this.api.push(batch.map(({ clientSeq, key, data }) => ({ clientSeq, key, data })))
      if (Either.isLeft(acked)) {
        if (acked.left.tag !== "PayloadTooLarge") return acked.left
        // Smaller requests until they fit (the server's limit is its own); a change alone and
        // still too large is the one to hold back.
        if (batch.length > 1) maxChanges = Math.ceil(batch.length / 2)
        else this.heldBack.set(batch[0]!.clientSeq, { docId: batch[0]!.docId, bytes: batch[0]!.data.length })
        continue
      }
      await this.db.outbox.bulkDelete(acked.right.results.map((r) => r.clientSeq))
      await onProgress()
    }
  }
}
