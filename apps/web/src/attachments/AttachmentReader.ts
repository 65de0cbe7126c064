/**
 * Reads an attachment back from the device's `blobs` cache: each chunk opened, its HMAC
 * checked against its id (a chunk that opens but is another chunk is refused too), and the
 * file built as a `Blob` one chunk at a time, so the page never holds every decrypted byte at
 * once. Chunks the device does not hold are reported, for the sync worker to fetch.
 */
import type { AttachmentManifest } from "@quire/schema"
import { bufferSource, type ChunkKeys } from "@quire/shared"
import { Effect, Either } from "effect"
import type { QuireDb } from "../data/QuireDb.js"

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
export const openChunk = async (keys: ChunkKeys, id: string, sealed: Uint8Array): Promise<Uint8Array | undefined> => {
  const opened = await Effect.runPromise(Effect.either(keys.open(sealed)))
  if (Either.isLeft(opened)) return undefined
  return (await keys.idOf(opened.right)) === id ? opened.right : undefined
}

export const readAttachment = async (db: QuireDb, keys: ChunkKeys, manifest: AttachmentManifest): Promise<AttachmentRead> => {
  const missing = await missingChunks(db, manifest.chunks)
  if (missing.length > 0) return { kind: "missing", ids: missing }
  let blob = new Blob([], { type: manifest.type })
  for (const id of manifest.chunks) {
    const row = await db.blobs.get(id)
    if (!row) return { kind: "missing", ids: [id] }
    const chunk = await openChunk(keys, id, row.data)
    if (!chunk) {
      return { kind: "damaged", ids: [id], message: `A piece of "${manifest.name}" on this device is damaged; it is fetched again.` }
    }
    blob = new Blob([blob, bufferSource(chunk)], { type: manifest.type })
  }
  return { kind: "ready", blob }
}
