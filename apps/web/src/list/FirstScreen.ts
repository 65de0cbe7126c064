/**
 * The notes the list shows before it has read them all: every pinned note and the most
 * recently updated others, read through the `updatedAt` index (a cursor over a few dozen rows,
 * not all of them). In the list's order, so the full list continues it without a jump.
 */
import { sortNotes } from "../data/NoteIndex.js"
import type { NoteRow, QuireDb } from "../data/QuireDb.js"

/** More than a tall screen holds. */
const firstScreenRows = 40

export const firstScreenOf = async (db: QuireDb): Promise<ReadonlyArray<NoteRow>> => {
  const pinned = await db.notes
    .where("pinned")
    .equals(1)
    .filter((row) => row.trashed === 0)
    .toArray()
  const recent = await db.notes
    .orderBy("updatedAt")
    .reverse()
    .filter((row) => row.trashed === 0 && row.pinned === 0)
    .limit(firstScreenRows)
    .toArray()
  return [...sortNotes(pinned), ...recent]
}
