import { Schema } from "effect"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { Note } from "./Note.js"
import {
  currentSchemaVersion,
  dedupeTags,
  deleteNoteForever,
  editTags,
  initNote,
  readNote,
  restoreNote,
  setBody,
  setPinned,
  setTags,
  setTitle,
  tagEditOf,
  trashNote
} from "./NoteDoc.js"

const fork = (doc: LoroDoc, peer: number) => {
  const copy = new LoroDoc()
  copy.setPeerId(peer)
  copy.import(doc.export({ mode: "snapshot" }))
  return copy
}

const sync = (a: LoroDoc, b: LoroDoc) => {
  a.import(b.export({ mode: "update", from: a.oplogVersion() }))
  b.import(a.export({ mode: "update", from: b.oplogVersion() }))
}

const newNote = () => {
  const doc = new LoroDoc()
  doc.setPeerId(1)
  initNote(doc, { title: "Groceries", body: "milk\neggs", tags: ["home", " home ", "errands", ""] }, 1000)
  doc.commit()
  return doc
}

describe("NoteDoc", () => {
  it("reads a new note as a plain value that fits the Note schema", () => {
    const note = readNote("n1", newNote())
    expect(note).toEqual({
      id: "n1",
      title: "Groceries",
      body: "milk\neggs",
      tags: ["home", "errands"],
      pinned: false,
      trashed: false,
      deleted: false,
      createdAt: 1000,
      updatedAt: 1000,
      schemaVersion: currentSchemaVersion
    })
    expect(Schema.is(Note)(note)).toBe(true)
  })

  it("merges concurrent body edits character by character and keeps a concurrent title edit", () => {
    const a = newNote()
    const b = fork(a, 2)
    setTitle(a, "Groceries for Sunday", 2000)
    setBody(a, "milk\neggs\nbread", 2000)
    setBody(b, "oat milk\neggs", 2001)
    a.commit()
    b.commit()
    sync(a, b)
    expect(readNote("n", a)).toEqual(readNote("n", b))
    expect(readNote("n", a).title).toBe("Groceries for Sunday")
    expect(readNote("n", a).body).toBe("oat milk\neggs\nbread")
  })

  it("edits tags as a set: removes every copy of a dropped tag, appends new ones once", () => {
    const doc = newNote()
    setTags(doc, ["errands", "urgent", "urgent"], 3000)
    doc.commit()
    expect(readNote("n", doc).tags).toEqual(["errands", "urgent"])
    expect(readNote("n", doc).updatedAt).toBe(3000)
  })

  it("pins, trashes, restores and deletes forever", () => {
    const doc = newNote()
    setPinned(doc, true, 2)
    trashNote(doc, 3)
    expect(readNote("n", doc)).toMatchObject({ pinned: true, trashed: true })
    restoreNote(doc, 4)
    expect(readNote("n", doc).trashed).toBe(false)
    deleteNoteForever(doc, 5)
    doc.commit()
    expect(readNote("n", doc)).toMatchObject({ deleted: true, title: "", body: "", tags: [] })
  })

  it("two devices lazily creating the same text merge into one container", () => {
    const base = new LoroDoc()
    base.getMap("note").set("schemaVersion", currentSchemaVersion)
    base.commit()
    const a = fork(base, 11)
    const b = fork(base, 12)
    setTitle(a, "from a", 1)
    setBody(b, "from b", 1)
    a.commit()
    b.commit()
    sync(a, b)
    expect(readNote("n", a)).toMatchObject({ title: "from a", body: "from b" })
    expect(readNote("n", b)).toEqual(readNote("n", a))
  })

  it("de-duplicating tags on both devices converges to one copy of each", () => {
    const a = newNote()
    const b = fork(a, 2)
    setTags(a, ["home", "errands", "new"], 2)
    setTags(b, ["home", "errands", "new"], 2)
    a.commit()
    b.commit()
    sync(a, b)
    expect(dedupeTags(a)).toBe(true)
    expect(dedupeTags(b)).toBe(true)
    a.commit()
    b.commit()
    sync(a, b)
    expect(dedupeTags(a)).toBe(false)
    expect(readNote("n", a).tags).toEqual(["home", "errands", "new"])
    expect(a.toJSON()).toEqual(b.toJSON())
  })

  it("a tag field saved against an older list keeps the tags another device added and removes only what was removed", () => {
    const laptop = newNote()
    const phone = fork(laptop, 2)
    // The laptop's field shows ["home", "errands"]; meanwhile the phone adds "urgent".
    const shown = readNote("n", laptop).tags
    setTags(phone, [...readNote("n", phone).tags, "urgent"], 2)
    phone.commit()
    sync(laptop, phone)
    // The person on the laptop drops "errands" and adds "shop" in the field they opened earlier.
    editTags(laptop, tagEditOf(shown, ["home", "shop"]), 3)
    laptop.commit()
    sync(laptop, phone)
    expect(readNote("n", laptop).tags).toEqual(["home", "urgent", "shop"])
    expect(readNote("n", phone).tags).toEqual(readNote("n", laptop).tags)
  })
})
