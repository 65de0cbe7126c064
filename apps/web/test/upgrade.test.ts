/** Databases written by earlier versions of the app open in this one with nothing lost or hidden. */
import { initNote, readNote } from "@quire/schema"
import { generateWorkspaceKey } from "@quire/shared"
import Dexie from "dexie"
import { Effect } from "effect"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { noteRowOf } from "../src/data/NoteIndex.js"
import { linksPendingKey, searchTextCompleteKey, QuireDb, type NoteTextRow } from "../src/data/QuireDb.js"
import { searchDocOf } from "../src/search/IndexKeeper.js"
import { SearchIndex } from "../src/search/SearchIndex.js"

/** Whether search finds the note by `word` in this stored search text. */
const finds = (row: NoteTextRow | undefined, word: string) => {
  const index = SearchIndex.empty()
  index.put(searchDocOf(row!))
  return index.search(word).some((hit) => hit.id === row!.id)
}

/** The database as version 2 of the app left it: notes stored before the search table existed. */
const version2Database = async (name: string, title = "Packing list", body = `${"filler ".repeat(40)}passport and sunscreen`) => {
  const old = new Dexie(name)
  old.version(1).stores({
    docs: "id, schemaVersion",
    notes: "id, updatedAt, *tags, pinned, trashed",
    outbox: "++clientSeq",
    meta: "key",
    quarantine: "++id, seq",
    docBackups: "++id, docId"
  })
  old.version(2).stores({ noteText: "id" })
  const doc = new LoroDoc()
  initNote(doc, { title, body }, 1)
  doc.commit()
  await old
    .table("docs")
    .put({ id: "n1", snapshot: doc.export({ mode: "snapshot" }), version: doc.oplogVersion().encode(), schemaVersion: 3 })
  await old.table("notes").put(noteRowOf(readNote("n1", doc)))
  old.close()
}

describe("upgrading the device database", () => {
  it("indexes the links of notes stored before links existed, once; a new database has nothing to index again", async () => {
    const name = `quire-upgrade-links-${process.pid}`
    await version2Database(name, "Packing list", "[[Passport]] and sunscreen")
    const db = new QuireDb(name)
    expect(await db.links.count()).toBe(0)
    const store = new DocStore(db, await Effect.runPromise(generateWorkspaceKey))
    await store.migrateAll()
    expect(await db.links.where("title").equals("passport").toArray()).toMatchObject([{ from: "n1", text: "Passport" }])
    expect(await db.meta.get(linksPendingKey)).toBeUndefined()
    db.close()

    // A device paired today writes each note's links as it stores it; it never reads every
    // note again for the index (with thousands pulled, that took longer than the pull).
    const fresh = new QuireDb(`quire-fresh-links-${process.pid}`)
    await fresh.open()
    expect(await fresh.meta.get(linksPendingKey)).toBeUndefined()
    fresh.close()
  })

  it("makes notes stored before search existed searchable: by title at once, by their whole text after the first start", async () => {
    const name = `quire-upgrade-${process.pid}`
    await version2Database(name)
    const db = new QuireDb(name)
    const backfilled = await db.noteText.get("n1")
    expect(finds(backfilled, "packing")).toBe(true)
    expect(finds(backfilled, "sunscreen")).toBe(false)

    await new DocStore(db, await Effect.runPromise(generateWorkspaceKey)).migrateAll()
    const complete = await db.noteText.get("n1")
    expect(finds(complete, "sunscreen")).toBe(true)
    expect(complete!.text.startsWith("Packing list\n")).toBe(true)
    expect(complete?.partial).toBeUndefined()

    // Completed once, never looked for again: finding such rows reads every note's text, on
    // every start. (Only that upgrade wrote them; this one is planted to show it is not looked at.)
    expect(await db.meta.get(searchTextCompleteKey)).toMatchObject({ value: true })
    await db.noteText.put({ id: "n1", text: "planted", partial: true })
    await new DocStore(db, await Effect.runPromise(generateWorkspaceKey)).migrateAll()
    expect(await db.noteText.get("n1")).toMatchObject({ text: "planted", partial: true })
    db.close()
  })
})
