/**
 * Reads an attachment back from the device's `blobs` cache: each chunk opened, its HMAC
 * checked against its id (a chunk that opens but is another chunk is refused too), and the
 * file built as a `Blob` one chunk at a time, so the page never holds every decrypted byte at
 * once (a few chunks are read and opened ahead). Chunks the device does not hold are reported,
 * for the sync worker to fetch.
 */
import type { AttachmentManifest } from "@quire/schema"
import { bufferSource, type ChunkKeys } from "@quire/shared"
import { Effect, Either } from "effect"
import type { QuireDb } from "../data/QuireDb.js"
import { bytesOfChunk, type StoredChunk } from "./StoredChunk.js"

export type AttachmentRead =
  | { readonly kind: "ready"; readonly blob: Blob }
  | { readonly kind: "missing"; readonly ids: ReadonlyArray<string> }
  | { readonly kind: "damaged"; readonly ids: ReadonlyArray<string>; readonly message: string }

/** The chunk ids of `ids` that the device does not hold. */
export const missingChunks = async (db: QuireDb, ids: ReadonlyArray<string>): Promise<Array<string>> => {
  const held = new Set(
    await db.blobs
      .where("id")
      .anyOf([...ids])
      .primaryKeys()
  )
  return [...new Set(ids)].filter((id) => !held.has(id))
}

/** Opens one sealed chunk and checks it is the chunk its id names; `undefined` if it is not. */
export const openChunk = async (keys: ChunkKeys, id: string, sealed: StoredChunk): Promise<Uint8Array | undefined> => {
  const opened = await Effect.runPromise(Effect.either(keys.open(await bytesOfChunk(sealed))))
  if (Either.isLeft(opened)) return undefined
  return (await keys.idOf(opened.right)) === id ? opened.right : undefined
}

/** Chunks read and opened ahead of the one being added to the file: IndexedDB reads and decryption overlap. */
const readAhead = 3

export const readAttachment = async (db: QuireDb, keys: ChunkKeys, manifest: AttachmentManifest): Promise<AttachmentRead> => {
  const missing = await missingChunks(db, manifest.chunks)
  if (missing.length > 0) return { kind: "missing", ids: missing }
  const opening: Array<Promise<Uint8Array | "missing" | "damaged">> = []
  const openAt = (index: number) => {
    const id = manifest.chunks[index]
    if (id === undefined) return
    opening.push(db.blobs.get(id).then(async (row) => (row ? ((await openChunk(keys, id, row.data)) ?? "damaged") : "missing")))
  }
  for (let i = 0; i < readAhead; i++) openAt(i)
  let blob = new Blob([], { type: manifest.type })
  try {
    for (const [index, id] of manifest.chunks.entries()) {
      const chunk = await opening.shift()!
      openAt(index + readAhead)
      if (chunk === "missing") return { kind: "missing", ids: [id] }
      if (chunk === "damaged") {
        return { kind: "damaged", ids: [id], message: `A piece of "${manifest.name}" on this device is damaged; it is fetched again.` }
      }
      blob = new Blob([blob, bufferSource(chunk)], { type: manifest.type })
    }
  } finally {
    // Stopped early: the reads still in flight must not be reported as unhandled.
    for (const pending of opening) pending.catch(() => undefined)
  }
  return { kind: "ready", blob }
}
