/**
 * Pushes the outbox in batches and removes only what the server acknowledged. A change the
 * server refuses as too large (413 PayloadTooLarge, alone in its request) is held back,
 * visibly, and the queue goes on: one oversized note never blocks every later edit. Held
 * changes stay in the outbox (nothing is lost) and are tried again when the engine restarts.
 *
 * When the server numbers a push's changes right after the device's cursor, and nothing else
 * came in between, those changes are already in the device's documents: the cursor moves past
 * them in the transaction that removes them from the outbox, and the round does not pull the
 * device's own writing back (what others write after that wakes the long-poll, which asks
 * from the cursor).
 */
import { Limits } from "@quire/shared"
import { Either } from "effect"
import { sizeOfChunk } from "../attachments/StoredChunk.js"
import { recordPulled } from "../data/DocLog.js"
import { readMeta, writeMeta } from "../data/Meta.js"
import type { HandedEntry } from "../data/OutboxFold.js"
import type { OutboxEntry, QuireDb } from "../data/QuireDb.js"
import { keyText } from "../data/RemoteImport.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

type Outgoing = { clientSeq: number; key: Uint8Array; data: Uint8Array; docId: string; needs: ReadonlyArray<string> }

/** What a push carries of a stored outbox entry, or of one a tab handed over (HandedEntry). */
const outgoingOf = (entry: Pick<OutboxEntry, "clientSeq" | "key" | "blob" | "docId" | "needs">): Outgoing => ({
  clientSeq: entry.clientSeq!,
  key: entry.key,
  data: entry.blob,
  docId: entry.docId,
  needs: entry.needs ?? []
})

export interface HeldBack {
  readonly docId: string
  readonly bytes: number
}

export class OutboxPusher {
  /** Changes set aside as too large, by clientSeq. */
  readonly heldBack = new Map<number, HeldBack>()
  /** The server's head after the last push, when the device's cursor reached it then (see above). */
  caughtUpTo: number | undefined
  /** Set when the last push queued chunks again that the server no longer held (see `requeueMissing`). */
  requeued = false
  /** The highest clientSeq the server acknowledged to this pusher: a handed entry at or below it went already. */
  private acknowledgedUpTo = 0

  constructor(
    private readonly db: QuireDb,
    private readonly api: SyncApi,
    private readonly limits: { readonly batchMaxChanges: number; readonly batchMaxBytes: number },
    private readonly clock: () => number = Date.now
  ) {}

  /**
   * The next batch, frozen in the same transaction that reads it: edits made from now on fold
   * into new entries, and a retry of this push sends exactly these bytes again. `upTo` is the
   * last entry a push may carry, read by the first batch's transaction when not given.
   */
  private takeBatch(maxChanges: number, upTo: number | undefined) {
    return this.db.transaction("rw", [this.db.outbox, this.db.blobUploads], async () => {
      // One trip to the database in the common case: the first entries are read as they are,
      // and walked one by one only when some must be skipped (held back, or waiting on chunks).
      const [lastKey, waiting, first] = await Promise.all([
        upTo ?? (this.db.outbox.orderBy("clientSeq").lastKey() as Promise<number | undefined>),
        this.waitingOnChunks(),
        this.db.outbox.orderBy("clientSeq").limit(maxChanges).toArray()
      ])
      const last = lastKey ?? 0
      const batch: Array<Outgoing> = []
      let bytes = 0
      const next =
        waiting === undefined && this.heldBack.size === 0
          ? first.filter((entry) => entry.clientSeq! <= last)
          : await this.db.outbox
              .orderBy("clientSeq")
              .filter((entry) => entry.clientSeq! <= last && !this.heldBack.has(entry.clientSeq!) && !waiting?.(entry))
              .limit(maxChanges)
              .toArray()
      for (const entry of next) {
        if (batch.length > 0 && bytes + entry.blob.length > this.limits.batchMaxBytes) break
        batch.push(outgoingOf(entry))
        bytes += entry.blob.length
      }
      const opening = next.filter((entry) => entry.frozen !== 1 && batch.some((b) => b.clientSeq === entry.clientSeq))
      if (opening.length > 0) await this.db.outbox.bulkPut(opening.map((entry) => ({ ...entry, frozen: 1 as const })))
      return { batch, upTo: last }
    })
  }

  /**
   * Inside the batch's transaction: whether an entry must wait for attachment chunks the
   * server does not have yet, so no device ever reads a manifest before its chunks can be
   * fetched. Later changes of the same document wait with it, to keep the document's order.
   */
  private async waitingOnChunks(): Promise<((entry: OutboxEntry) => boolean) | undefined> {
    if ((await this.db.blobUploads.count()) === 0) return undefined
    // A chunk this device lost (retried never) must not hold its note's edits back for good.
    const unsent = new Set(await this.db.blobUploads.filter((row) => row.retryAt !== Infinity).primaryKeys())
    const blocked = new Set<string>()
    return (entry) => {
      if (blocked.has(entry.docId)) return true
      if (!(entry.needs ?? []).some((id) => unsent.has(id))) return false
      blocked.add(entry.docId)
      return true
    }
  }

  /** Entries a push could carry now: neither held back nor waiting on chunks. */
  unsentCount(): Promise<number> {
    return this.db.transaction("r", [this.db.outbox, this.db.blobUploads], async () => {
      // The common case, read without visiting every entry.
      if ((await this.db.blobUploads.count()) === 0) return (await this.db.outbox.count()) - this.heldBack.size
      const waiting = await this.waitingOnChunks()
      return this.db.outbox.filter((entry) => !this.heldBack.has(entry.clientSeq!) && !waiting?.(entry)).count()
    })
  }

  /**
   * Just before changes that name chunks go out, the server is asked again whether it holds
   * them: the master may have removed one as unreferenced (after 30 days) since this device was
   * told it was there. A chunk the server lacks and this device holds is queued again, and the
   * changes wait for it. One it lacks and nobody here holds cannot be helped: the change goes,
   * and readers show the piece as missing.
   */
  private async requeueMissing(batch: ReadonlyArray<Outgoing>): Promise<SyncError | boolean> {
    const needs = [...new Set(batch.flatMap((change) => change.needs))]
    const missing: Array<string> = []
    for (let at = 0; at < needs.length; at += Limits.maxMissingQuery) {
      const asked = await this.api.missingBlobs(needs.slice(at, at + Limits.maxMissingQuery))
      if (Either.isLeft(asked)) return asked.left
      missing.push(...asked.right)
    }
    if (missing.length === 0) return false
    const held = (await this.db.blobs.bulkGet(missing)).flatMap((row) => (row ? [row] : []))
    if (held.length === 0) return false
    const files = await this.db.attachments
      .where("chunks")
      .anyOf(held.map((row) => row.id))
      .toArray()
    const createdAt = this.clock()
    await this.db.blobUploads.bulkPut(
      held.map((row) => {
        const file = files.find((candidate) => candidate.chunks.includes(row.id))
        return { id: row.id, fileId: file?.fileId ?? "", noteId: file?.noteId ?? "", bytes: sizeOfChunk(row.data), createdAt }
      })
    )
    return true
  }

  /** Removes acknowledged entries; moves the cursor past them when they are all that is new (see above). */
  private acknowledge(batch: ReadonlyArray<Outgoing>, results: ReadonlyArray<{ clientSeq: number; seq: number }>, headSeq: number) {
    for (const { clientSeq } of results) this.acknowledgedUpTo = Math.max(this.acknowledgedUpTo, clientSeq)
    return this.db.transaction("rw", [this.db.outbox, this.db.meta, this.db.docLog], async () => {
      await this.db.outbox.bulkDelete(results.map((r) => r.clientSeq))
      const cursor = (await readMeta(this.db, "cursor")) ?? 0
      const stored = [...results].sort((a, b) => a.seq - b.seq)
      const onlyOurs = headSeq === cursor + stored.length && stored.every((r, i) => r.seq === cursor + 1 + i)
      const deviceId = (await readMeta(this.db, "workspace"))?.deviceId
      if (!onlyOurs || deviceId === undefined) {
        this.caughtUpTo = undefined
        return
      }
      const bySeq = new Map(batch.map((change) => [change.clientSeq, change]))
      const facts = stored.map((r) => {
        const change = bySeq.get(r.clientSeq)!
        return { key: keyText(change.key), docId: change.docId, kind: "update" as const, size: change.data.length, deviceId }
      })
      await recordPulled(this.db, facts, this.clock())
      await writeMeta(this.db, "cursor", headSeq)
      this.caughtUpTo = headSeq
    })
  }

  /**
   * Pushes everything not held back; a failure that is not about size ends it with that error.
   * `handed`, an entry a tab wrote frozen after a pause with nothing else waiting (OutboxFold),
   * goes first as it is, without reading the outbox, unless it was pushed already.
   */
  async pushAll(onProgress: () => Promise<void>, handed?: HandedEntry): Promise<SyncError | undefined> {
    let maxChanges = this.limits.batchMaxChanges
    // What was there when the push began; edits made while it runs wait for the next push, so
    // a burst of typing costs one push per interval rather than one per answer.
    let upTo: number | undefined
    this.caughtUpTo = undefined
    this.requeued = false
    for (;;) {
      const fresh = handed && handed.clientSeq > this.acknowledgedUpTo && !this.heldBack.has(handed.clientSeq) ? handed : undefined
      handed = undefined
      // What else the outbox holds is read by the next batch (written meanwhile, or long before a late round).
      const taken = fresh ? { batch: [outgoingOf(fresh)], upTo: undefined } : await this.takeBatch(maxChanges, upTo)
      const batch = taken.batch
      upTo = taken.upTo
      // Nothing to push: a round that only pulls starts pulling at once.
      if (batch.length === 0) return undefined
      const requeued = batch.some((change) => change.needs.length > 0) ? await this.requeueMissing(batch) : false
      if (typeof requeued === "object") return requeued
      if (requeued) {
        // The batch is frozen as it was; it goes once the chunks are back (the engine uploads, then pushes again).
        this.requeued = true
        return undefined
      }
      const acked = await this.api.push(batch.map(({ clientSeq, key, data }) => ({ clientSeq, key, data })))
      if (Either.isLeft(acked)) {
        if (acked.left.tag !== "PayloadTooLarge") return acked.left
        // Smaller requests until they fit (the server's limit is its own); a change alone and
        // still too large is the one to hold back.
        if (batch.length > 1) maxChanges = Math.ceil(batch.length / 2)
        else this.heldBack.set(batch[0]!.clientSeq, { docId: batch[0]!.docId, bytes: batch[0]!.data.length })
        continue
      }
      await this.acknowledge(batch, acked.right.results, acked.right.headSeq)
      await onProgress()
    }
  }
}
