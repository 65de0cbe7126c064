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
