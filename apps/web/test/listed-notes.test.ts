/** What the note list reads: every listed note across pages, and its first screen. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import type { NoteRow } from "../src/data/QuireDb.js"
import { QuireDb } from "../src/data/QuireDb.js"
import { firstScreenOf } from "../src/list/FirstScreen.js"
import { listedCountOf, listedNotesOf } from "../src/list/ListedNotes.js"

const rowOf = (i: number, overrides: Partial<NoteRow> = {}): NoteRow => ({
  id: `note-${String(i).padStart(5, "0")}`,
  title: `Note ${i}`,
  preview: "",
  tags: [],
  pinned: 0,
  trashed: 0,
  createdAt: i,
  updatedAt: i,
  ...overrides
})

describe("the note list's reads", () => {
  it("reads every note but the trashed ones, across pages", async () => {
    const db = new QuireDb(`quire-list-${process.pid}-1`)
    await db.notes.bulkPut(Array.from({ length: 4500 }, (_, i) => rowOf(i, i % 1000 === 999 ? { trashed: 1 } : {})))
    const listed = await listedNotesOf(db)
    expect(listed).toHaveLength(4496)
    expect(new Set(listed.map((row) => row.id)).size).toBe(4496)
    expect(listed.some((row) => row.trashed === 1)).toBe(false)
    expect(await listedCountOf(db)).toBe(4496)
    db.close()
  })

  it("reads a list of exactly one page, and an empty one", async () => {
    const db = new QuireDb(`quire-list-${process.pid}-2`)
    expect(await listedNotesOf(db)).toEqual([])
    await db.notes.bulkPut(Array.from({ length: 2000 }, (_, i) => rowOf(i)))
    expect(await listedNotesOf(db)).toHaveLength(2000)
    db.close()
  })

  it("starts with the pinned notes, then the most recently updated, as the whole list does", async () => {
    const db = new QuireDb(`quire-list-${process.pid}-3`)
    await db.notes.bulkPut([
      ...Array.from({ length: 100 }, (_, i) => rowOf(i)),
      rowOf(100, { pinned: 1, updatedAt: 5 }),
      rowOf(101, { trashed: 1, updatedAt: 1000 })
    ])
    const first = await firstScreenOf(db)
    expect(first[0]!.id).toBe("note-00100")
    expect(first.slice(1, 4).map((row) => row.id)).toEqual(["note-00099", "note-00098", "note-00097"])
    expect(first.some((row) => row.trashed === 1)).toBe(false)
    db.close()
  })

  it("reads the same first screen in one request as through the cursor, whatever is pinned, trashed or tied", async () => {
    let run = 0
    const row = fc.record({ pinned: fc.constantFrom<0 | 1>(0, 0, 0, 1), trashed: fc.constantFrom<0 | 1>(0, 0, 1), updatedAt: fc.nat(50) })
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 200 }), async (rows) => {
        const db = new QuireDb(`quire-list-${process.pid}-first-${run++}`)
        await db.notes.bulkPut(rows.map((overrides, i) => rowOf(i, overrides)))
        expect(await firstScreenOf(db, true)).toEqual(await firstScreenOf(db))
        await db.delete()
      }),
      { numRuns: 40 }
    )
  })
})
