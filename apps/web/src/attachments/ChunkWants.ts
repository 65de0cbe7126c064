/**
 * Asking the sync worker for chunks: a row in `blobWants` per chunk the device lacks. A tab
 * writes them when a note that shows attachments opens; the worker fetches them in its next
 * round and removes the rows. Asking again makes a failed chunk due at once.
 */
import type { QuireDb } from "../data/QuireDb.js"

export const wantChunks = async (db: QuireDb, ids: ReadonlyArray<string>, now: number = Date.now()): Promise<void> => {
  if (ids.length === 0) return
  await db.transaction("rw", db.blobWants, async () => {
    const known = await db.blobWants.bulkGet([...ids])
    await db.blobWants.bulkPut(ids.map((id, i) => ({ ...(known[i] ?? { id, at: now, attempts: 0 }), retryAt: now })))
  })
}

/**
 * Wants every chunk of note `noteId`'s files that the device lacks; returns how many. Reads
 * Dexie only, so a note page can ask before the editor and Loro have loaded.
 */
export const wantNoteChunks = async (db: QuireDb, noteId: string, now: number = Date.now()): Promise<number> => {
  const chunks = [...new Set((await db.attachments.where("noteId").equals(noteId).toArray()).flatMap((row) => row.chunks))]
  if (chunks.length === 0) return 0
  const held = new Set(await db.blobs.where("id").anyOf(chunks).primaryKeys())
  const missing = chunks.filter((id) => !held.has(id))
  await wantChunks(db, missing, now)
  return missing.length
}
