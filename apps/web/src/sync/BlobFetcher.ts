/**
 * Fetches the chunks this device wants (`blobWants`: a note showing them was opened, or every
 * attachment is kept offline) into `blobs`. A chunk is stored only once it opens with the
 * workspace key and is the chunk its id names. One the server does not have (not uploaded yet)
 * or sends damaged is kept wanted, with the reason the note shows, and tried again later.
 */
import { makeChunkKeys, type ChunkKeys } from "@quire/shared"
import { Effect, Either } from "effect"
import { openChunk } from "../attachments/AttachmentReader.js"
import { keepOfflineKey } from "../attachments/KeepOffline.js"
import type { BlobWantRow, QuireDb } from "../data/QuireDb.js"
import type { SyncApi } from "./SyncApi.js"
import type { SyncError } from "./SyncError.js"

/**
 * Chunks fetched at once: each waits on its request, then on its check and its write here, and
 * the threads are mostly idle meanwhile; as many as the connections Chromium opens to one server.
 */
const parallel = 6
/** A chunk that failed is tried again after 5 s, doubling up to 10 minutes. */
const retryDelayMs = (attempts: number) => Math.min(600_000, 5_000 * 2 ** Math.max(0, attempts - 1))

export class BlobFetcher {
  private keys: Promise<ChunkKeys> | undefined

  constructor(
    private readonly db: QuireDb,
    private readonly api: SyncApi,
    private readonly workspaceKey: CryptoKey,
    private readonly clock: () => number = Date.now
  ) {}

  private chunkKeys() {
    return (this.keys ??= Effect.runPromise(makeChunkKeys(this.workspaceKey)))
  }

  /** With "keep attachments offline" on: wants every chunk of every note that the device lacks. */
  async wantEverything(): Promise<void> {
    if ((await this.db.meta.get(keepOfflineKey))?.value !== true) return
    const referenced = (await this.db.attachments.orderBy("chunks").uniqueKeys()) as Array<string>
    if (referenced.length === 0) return
    const now = this.clock()
    await this.db.transaction("rw", [this.db.blobs, this.db.blobWants], async () => {
      const held = new Set(await this.db.blobs.toCollection().primaryKeys())
      const wanted = new Set(await this.db.blobWants.toCollection().primaryKeys())
      const add = referenced.filter((id) => !held.has(id) && !wanted.has(id))
      await this.db.blobWants.bulkAdd(add.map((id) => ({ id, at: now, attempts: 0 })))
    })
  }

  async nextRetryAt(): Promise<number | undefined> {
    let next: number | undefined
    await this.db.blobWants.each((row) => {
      if (row.retryAt !== undefined && row.retryAt > this.clock() && (next === undefined || row.retryAt < next)) next = row.retryAt
    })
    return next
  }

  /** Fetches every due chunk; a failure other than a missing or damaged chunk ends it with that error. */
  async fetchAll(onProgress: () => Promise<void> = async () => {}): Promise<SyncError | undefined> {
    const now = this.clock()
    const due = await this.db.blobWants.filter((row) => (row.retryAt ?? 0) <= now).toArray()
    // Chunks that arrived meanwhile (another tab, an upload of the same file) are found in one read, not one per chunk.
    const held = new Set(
      await this.db.blobs
        .where("id")
        .anyOf(due.map((row) => row.id))
        .primaryKeys()
    )
    if (held.size > 0) await this.db.blobWants.bulkDelete([...held])
    const queue = due.filter((row) => !held.has(row.id))
    let failure: SyncError | undefined
    const worker = async () => {
      for (let row = queue.shift(); row && !failure; row = queue.shift()) {
        const outcome = await this.fetch(row)
        if (outcome) failure = outcome
        else await onProgress()
      }
    }
    await Promise.all(Array.from({ length: parallel }, worker))
    return failure
  }

  private async fetch(want: BlobWantRow): Promise<SyncError | undefined> {
    const fetched = await this.api.getBlob(want.id)
    if (Either.isLeft(fetched) && fetched.left.tag !== "BlobNotFound") return fetched.left
    const sealed = Either.isRight(fetched) ? fetched.right : undefined
    const valid = sealed !== undefined && (await openChunk(await this.chunkKeys(), want.id, sealed)) !== undefined
    if (sealed && valid) {
      await this.db.transaction("rw", [this.db.blobs, this.db.blobWants], async () => {
        await this.db.blobs.put({ id: want.id, data: sealed })
        await this.db.blobWants.delete(want.id)
      })
      return undefined
    }
    const error = sealed
      ? "The server sent this piece damaged (it does not open with the workspace key); it is fetched again."
      : "Not on the server yet: the device that added the file has not uploaded it. It is fetched again."
    const attempts = want.attempts + 1
    await this.db.blobWants.update(want.id, { attempts, error, retryAt: this.clock() + retryDelayMs(attempts) })
    return undefined
  }
}
