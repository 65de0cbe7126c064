/**
 * Every note the list holds (the trash aside), read a page at a time in one transaction: each
 * page is deserialized in its own task, so reading 10,000 rows never holds the tab for one long
 * task (about 150 ms in one piece), and messages waiting meanwhile (search is ready) get through.
 */
import type { NoteRow, QuireDb } from "../data/QuireDb.js"

const pageRows = 2000

export const listedNotesOf = (db: QuireDb): Promise<Array<NoteRow>> =>
  db.transaction("r", db.notes, async () => {
    const listed: Array<NoteRow> = []
    let after: string | undefined
    for (;;) {
      // By primary key: a key range with a limit is one getAll, with no cursor to step through.
      const page = await (after === undefined ? db.notes.limit(pageRows) : db.notes.where("id").above(after).limit(pageRows)).toArray()
      for (const row of page) if (row.trashed === 0) listed.push(row)
      if (page.length < pageRows) return listed
      after = page[page.length - 1]!.id
    }
  })

/** How many notes the list holds. */
export const listedCountOf = (db: QuireDb): Promise<number> => db.notes.where("trashed").equals(0).count()
