/**
 * Cuts a file into sealed chunks on the device (DESIGN.md, Attachments): 1 MiB at a time with
 * `Blob.slice`, so a file of any size passes through without being held whole. Each chunk is
 * named by its HMAC, sealed, and stored in `blobs` with a row in `blobUploads`, in the same
 * transaction: from then on it is safe, and the sync worker uploads it. A chunk the device
 * already holds keeps its copy; the server is asked before uploading, so the same file added
 * twice is sent once.
 *
 * The steps overlap, so a file goes through at the pace of its slowest step rather than of
 * their sum: the next slices are read while this one is hashed and sealed, and a batch of
 * chunks is written (one transaction: IndexedDB's cost is mostly per transaction) while the
 * next batch is sealed. At most `readAhead` slices and two batches are held at once.
 */
import type { AttachmentManifest } from "@quire/schema"
import { chunkBytes, type ChunkKeys } from "@quire/shared"
import { createSHA256, type IHasher } from "hash-wasm"
import type { QuireDb } from "../data/QuireDb.js"
import { storedChunkOf, type HandedChunk } from "./StoredChunk.js"

/** What `File` gives; a `Blob` with a name is enough (node tests use `File`). */
export interface FileLike {
  readonly name: string
  readonly type: string
  readonly size: number
  slice(start?: number, end?: number): Blob
}

/** Bytes of the file stored so far, of its size. */
export type ChunkProgress = (done: number, total: number) => void

/** What sealing adds to a chunk: version byte, nonce, GCM tag. */
const sealOverhead = 1 + 12 + 16
/**
 * Chunks written in one transaction; the first is written alone, so its upload starts while
 * the next are read and sealed rather than after four of them.
 */
const batchChunks = 4
/** Slices being read ahead of the one being sealed. */
const readAhead = 2

interface Sealed {
  readonly id: string
  readonly data: Uint8Array
}

/** The file's slices in order, `readAhead` of them in flight. */
async function* slicesOf(file: FileLike): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const reading: Array<Promise<ArrayBuffer>> = []
  let offset = 0
  const readNext = () => {
    if (offset >= file.size) return
    reading.push(file.slice(offset, Math.min(file.size, offset + chunkBytes)).arrayBuffer())
    offset += chunkBytes
  }
  for (let i = 0; i < readAhead; i++) readNext()
  try {
    for (let next = reading.shift(); next; next = reading.shift()) {
      readNext()
      yield new Uint8Array(await next)
    }
  } finally {
    // Stopped early (a failure downstream): the reads still in flight must not be unhandled.
    for (const pending of reading) pending.catch(() => undefined)
  }
}

/**
 * A chunk named and sealed. Every chunk is sealed, also one the device holds: a copy checked for
 * outside the writing transaction could be gone by the time it commits (the master removing an
 * old orphan), and another sealing of the same chunk is the same chunk (its id is its HMAC).
 * WebCrypto names and seals it off this thread while the file's SHA-256 takes the chunk here.
 */
const sealChunk = async (keys: ChunkKeys, bytes: Uint8Array, hash: IHasher): Promise<Sealed> => {
  const naming = Promise.all([keys.idOf(bytes), keys.seal(bytes)])
  hash.update(bytes)
  const [id, data] = await naming
  return { id, data }
}

export const storeChunks = async (
  db: QuireDb,
  keys: ChunkKeys,
  file: FileLike,
  place: { readonly fileId: string; readonly noteId: string },
  onProgress: ChunkProgress = () => {},
  clock: () => number = Date.now,
  /** After each batch is stored, with the chunks new here: the sync worker can start uploading while the rest is sealed. */
  onStored: (chunks: ReadonlyArray<HandedChunk>) => void = () => {}
): Promise<AttachmentManifest> => {
  const hash = (await createSHA256()).init()
  const chunks: Array<string> = []
  let stored = 0
  onProgress(0, file.size)
  const write = async (batch: ReadonlyArray<Sealed>) => {
    const handed = await db.transaction("rw", [db.blobs, db.blobUploads], async () => {
      // A chunk already held keeps its copy (it may be uploaded as it is); the new sealing fills a gap.
      const held = new Set(
        await db.blobs
          .where("id")
          .anyOf(batch.map((chunk) => chunk.id))
          .primaryKeys()
      )
      const fresh = batch.filter((chunk) => !held.has(chunk.id)).map((chunk) => ({ id: chunk.id, data: storedChunkOf(chunk.data) }))
      if (fresh.length > 0) await db.blobs.bulkPut(fresh)
      const createdAt = clock()
      const rows = batch.map((chunk) => ({ id: chunk.id, fileId: place.fileId, noteId: place.noteId, bytes: chunk.data.length, createdAt }))
      await db.blobUploads.bulkPut(rows)
      return fresh.map(({ id, data }): HandedChunk => ({ row: rows.find((row) => row.id === id)!, data }))
    })
    stored = Math.min(file.size, stored + batch.reduce((sum, chunk) => sum + chunk.data.length - sealOverhead, 0))
    onProgress(stored, file.size)
    onStored(handed)
  }
  let writing: Promise<void> = Promise.resolve()
  let batch: Array<Sealed> = []
  const flush = async () => {
    const sealed = batch
    batch = []
    // One batch written while the next is sealed: waiting here bounds what is held.
    await writing
    writing = write(sealed)
    // Awaited at the next batch or the end; handled now so a failure meanwhile is not reported as unhandled.
    writing.catch(() => undefined)
  }
  try {
    for await (const bytes of slicesOf(file)) {
      const sealed = await sealChunk(keys, bytes, hash)
      chunks.push(sealed.id)
      batch.push(sealed)
      if (batch.length === (chunks.length === 1 ? 1 : batchChunks)) await flush()
    }
    if (batch.length > 0) await flush()
    await writing
  } catch (error) {
    await writing.catch(() => undefined)
    throw error
  }
  return { fileId: place.fileId, name: file.name, type: file.type, size: file.size, sha256: hash.digest("hex"), chunks }
}
