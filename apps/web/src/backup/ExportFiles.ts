/**
 * The attached files an export carries, as plaintext: every chunk the device lacks is fetched
 * from the server first (checked, and kept in the `blobs` cache), then each file is opened,
 * joined and checked against its manifest's SHA-256. A file that cannot be had whole is named
 * with the reason, for the person to decide: an export never leaves a file out silently.
 */
import type { AttachmentManifest } from "@quire/schema"
import { bufferSource, chunkBytes, makeChunkKeys, type ChunkKeys, type ExportFile } from "@quire/shared"
import { Effect, Either } from "effect"
import { missingChunks, openChunk } from "../attachments/AttachmentReader.js"
import type { AttachmentRow, QuireDb } from "../data/QuireDb.js"
import type { Result } from "../sync/SyncApi.js"

/** Where an export reads from: the device's database, its key, and the server for chunks it lacks. */
export interface ExportSource {
  readonly db: QuireDb
  readonly workspaceKey: CryptoKey
  /** The server's copy of a sealed chunk (the sync client's `getBlob`). */
  readonly fetchChunk: (id: string) => Promise<Result<Uint8Array>>
}

/** A file the export could not carry, and why. */
export interface UnavailableFile {
  readonly noteId: string
  readonly fileId: string
  readonly name: string
  readonly reason: string
}

export type ExportPhase = "fetching" | "reading"
/** Chunks fetched of those missing, then files read of those attached. */
export type ExportProgress = (phase: ExportPhase, done: number, total: number) => void

/** Chunks fetched at once. */
const parallel = 4

/** Fetches the chunks the device lacks; answers why each one that could not be had failed. */
const fetchMissing = async (
  source: ExportSource,
  keys: ChunkKeys,
  ids: ReadonlyArray<string>,
  onProgress: ExportProgress
): Promise<Map<string, string>> => {
  const failed = new Map<string, string>()
  const queue = await missingChunks(source.db, ids)
  const total = queue.length
  let done = 0
  onProgress("fetching", 0, total)
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const fetched = await source.fetchChunk(id)
      if (Either.isLeft(fetched)) {
        failed.set(id, fetched.left.tag === "BlobNotFound" ? "not on the server" : fetched.left.message)
      } else if ((await openChunk(keys, id, fetched.right)) === undefined) {
        failed.set(id, "the server's copy is damaged")
      } else {
        await source.db.transaction("rw", [source.db.blobs, source.db.blobWants], async () => {
          await source.db.blobs.put({ id, data: fetched.right })
          await source.db.blobWants.delete(id)
        })
      }
      onProgress("fetching", ++done, total)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return failed
}

/** SHA-256 in lowercase hex, by WebCrypto (native: large files hash many times faster than in JavaScript). */
export const sha256Hex = async (bytes: Uint8Array): Promise<string> =>
  Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", bufferSource(bytes))), (b) => b.toString(16).padStart(2, "0")).join("")

/** One file's plaintext from the cache, or why it cannot be had. */
const readFile = async (db: QuireDb, keys: ChunkKeys, manifest: AttachmentManifest): Promise<Uint8Array | string> => {
  // A manifest is data from another device: its size is trusted only as far as its chunks can hold it.
  if (!Number.isSafeInteger(manifest.size) || manifest.size < 0 || manifest.size > manifest.chunks.length * chunkBytes) {
    return "its note names a size its pieces cannot hold"
  }
  const out = new Uint8Array(manifest.size)
  let at = 0
  for (const id of manifest.chunks) {
    const row = await db.blobs.get(id)
    const chunk = row && (await openChunk(keys, id, row.data))
    if (!chunk) return "a piece of it on this device is damaged"
    if (at + chunk.length > out.length) return "it is longer than its note says"
    out.set(chunk, at)
    at += chunk.length
  }
  if (at !== out.length || (await sha256Hex(out)) !== manifest.sha256) return "its pieces do not make the file its note names"
  return out
}

/**
 * The files of `attachments` (rows as `DocStore` keeps them), one per file id, and those
 * that could not be had. The whole of each file is held in memory, as the export is.
 */
export const gatherFiles = async (
  source: ExportSource,
  attachments: ReadonlyArray<AttachmentRow>,
  onProgress: ExportProgress = () => {}
): Promise<{ readonly files: Array<ExportFile>; readonly unavailable: Array<UnavailableFile> }> => {
  const keys = await Effect.runPromise(makeChunkKeys(source.workspaceKey))
  const byFile = new Map(attachments.map((row) => [row.fileId, row]))
  const failed = await fetchMissing(source, keys, [...new Set([...byFile.values()].flatMap((row) => row.chunks))], onProgress)
  const files: Array<ExportFile> = []
  const unavailable: Array<UnavailableFile> = []
  let done = 0
  onProgress("reading", 0, byFile.size)
  for (const row of byFile.values()) {
    const lacking = row.chunks.find((id) => failed.has(id))
    const read = lacking === undefined ? await readFile(source.db, keys, row) : `a piece of it is ${failed.get(lacking)}`
    if (typeof read === "string") unavailable.push({ noteId: row.noteId, fileId: row.fileId, name: row.name, reason: read })
    // Checked against the manifest's SHA-256 just now: the export writes it as it is.
    else files.push({ fileId: row.fileId, bytes: read, sha256: row.sha256 })
    onProgress("reading", ++done, byFile.size)
  }
  return { files, unavailable }
}
