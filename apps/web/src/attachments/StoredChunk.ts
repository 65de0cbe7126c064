/**
 * A sealed chunk as `blobs` holds it. A chunk sealed on this device is stored as a Blob: the
 * browser keeps its bytes outside the page (IndexedDB writes a large value to a file either
 * way), so uploading it hands that Blob to fetch and the bytes never pass through the sync
 * worker. A chunk fetched from the server is stored as the bytes it was checked as.
 */
import type { BlobUploadRow } from "../data/QuireDb.js"

export type StoredChunk = Uint8Array | Blob

/**
 * A chunk just stored by a file being added in a tab, handed to its sync worker with its Blob:
 * the worker uploads it without reading IndexedDB, which the add keeps busy writing the next
 * chunks (a read would wait for each of those transactions).
 */
export interface HandedChunk {
  readonly row: BlobUploadRow
  readonly data: StoredChunk
}

export const sizeOfChunk = (data: StoredChunk): number => (data instanceof Blob ? data.size : data.length)

export const bytesOfChunk = async (data: StoredChunk): Promise<Uint8Array> =>
  data instanceof Blob ? new Uint8Array(await data.arrayBuffer()) : data

/** What a chunk sealed here is stored as. */
export const storedChunkOf = (sealed: Uint8Array): StoredChunk => new Blob([sealed as Uint8Array<ArrayBuffer>])
