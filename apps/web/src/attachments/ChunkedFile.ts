/**
 * Cuts a file into sealed chunks on the device (DESIGN.md, Attachments): 1 MiB at a time with
 * `Blob.slice`, so a file of any size passes through without being held whole. Each chunk is
 * named by its HMAC, sealed, and stored in `blobs` with a row in `blobUploads` in one
 * transaction: from then on it is safe, and the sync worker uploads it. A chunk the device
 * already holds is not sealed again; the server is asked before uploading, so the same file
 * added twice is sent once.
 */
import type { AttachmentManifest } from "@quire/schema"
import { chunkBytes, type ChunkKeys } from "@quire/shared"
import { sha256 } from "@noble/hashes/sha2.js"
import { bytesToHex } from "@noble/hashes/utils.js"
import type { QuireDb } from "../data/QuireDb.js"

/** What `File` gives; a `Blob` with a name is enough (node tests use `File`). */
export interface FileLike {
  readonly name: string
  readonly type: string
  readonly size: number
  slice(start?: number, end?: number): Blob
}

/** Bytes of the file stored so far, of its size. */
export type ChunkProgress = (done: number, total: number) => void

export const storeChunks = async (
  db: QuireDb,
  keys: ChunkKeys,
  file: FileLike,
  place: { readonly fileId: string; readonly noteId: string },
  onProgress: ChunkProgress = () => {},
  clock: () => number = Date.now
): Promise<AttachmentManifest> => {
  const hash = sha256.create()
  const chunks: Array<string> = []
  onProgress(0, file.size)
  // Reading the next slice overlaps with sealing and storing this one.
  const read = (offset: number) =>
    offset < file.size ? file.slice(offset, Math.min(file.size, offset + chunkBytes)).arrayBuffer() : Promise.resolve(undefined)
  let next = read(0)
  for (let offset = 0; offset < file.size; offset += chunkBytes) {
    const bytes = new Uint8Array((await next)!)
    next = read(offset + chunkBytes)
    hash.update(bytes)
    const id = await keys.idOf(bytes)
    const held = (await db.blobs.where("id").equals(id).count()) > 0
    const sealed = held ? undefined : await keys.seal(bytes)
    await db.transaction("rw", [db.blobs, db.blobUploads], async () => {
      if (sealed) await db.blobs.put({ id, data: sealed })
      await db.blobUploads.put({
        id,
        fileId: place.fileId,
        noteId: place.noteId,
        bytes: sealed?.length ?? bytes.length,
        createdAt: clock()
      })
    })
    chunks.push(id)
    onProgress(Math.min(file.size, offset + chunkBytes), file.size)
  }
  return { fileId: place.fileId, name: file.name, type: file.type, size: file.size, sha256: bytesToHex(hash.digest()), chunks }
}
