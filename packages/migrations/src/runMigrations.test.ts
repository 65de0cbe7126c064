import { currentSchemaVersion, readNote, setBody, setTitle } from "@quire/schema"
import { Either } from "effect"
import type { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { replicaOf, shoppingList, v1Note } from "./fixtures/v1Notes.js"
import { latestVersion, migrations } from "./migrations.js"
import { migrateNote } from "./runMigrations.js"
import { v2TagsAsList } from "./steps/v2TagsAsList.js"
import { splitContent, v3SplitContent } from "./steps/v3SplitContent.js"

const sync = (a: LoroDoc, b: LoroDoc) => {
  a.import(b.export({ mode: "update", from: a.oplogVersion() }))
  b.import(a.export({ mode: "update", from: b.oplogVersion() }))
}

const migrated = (doc: LoroDoc, docId = "note-1") => Either.getOrThrow(migrateNote(docId, doc))

/** Two devices holding the same v1 note, each under its own peer id. */
const twoReplicas = (original = v1Note(shoppingList)) => [replicaOf(original, 101), replicaOf(original, 202)] as const

/** Each device migrates offline, they meet, and each runs the migrations again after the import (as the client does). */
const migrateOfflineThenMeet = (a: LoroDoc, b: LoroDoc) => {
  migrated(a)
  migrated(b)
  sync(a, b)
  migrated(a)
  migrated(b)
  sync(a, b)
}

describe("the migration list", () => {
  it("ends at the version the schema package writes", () => {
    expect(latestVersion).toBe(currentSchemaVersion)
    expect(migrations.map((m) => m.version)).toEqual([2, 3])
  })
})

describe("v2: tags as a list", () => {
  it("turns the comma string into a clean list and stops there", () => {
    const doc = v1Note(shoppingList)
    const outcome = migrateNote("note-1", doc, [v2TagsAsList])
    expect(Either.getOrThrow(outcome)).toEqual({ from: 1, to: 2, changed: true })
    expect(doc.toJSON().note.tags).toEqual(["home", "errands", "weekly"])
    expect(doc.toJSON().note.schemaVersion).toBe(2)
    expect(doc.toJSON().note.content).toBe(shoppingList.content)
  })
})

describe("v3: split content into title and body", () => {
  it("splits on the first line break", () => {
    expect(splitContent("Title  \nline 1\nline 2")).toEqual({ title: "Title", body: "line 1\nline 2" })
    expect(splitContent("only a title")).toEqual({ title: "only a title", body: "" })
    expect(splitContent("")).toEqual({ title: "", body: "" })
  })

  it("runs alone on a v2 document", () => {
    const doc = v1Note(shoppingList)
    migrateNote("note-1", doc, [v2TagsAsList])
    migrateNote("note-1", doc, [v2TagsAsList, v3SplitContent])
    expect(readNote("note-1", doc)).toMatchObject({ title: "Shopping list", body: "milk\neggs\nbread", schemaVersion: 3 })
    expect(doc.toJSON().note.content).toBeUndefined()
  })
})

describe("migrateNote", () => {
  it("brings a v1 document to the current shape in one run", () => {
    const doc = v1Note(shoppingList)
    expect(migrated(doc)).toEqual({ from: 1, to: 3, changed: true })
    expect(readNote("note-1", doc)).toEqual({
      id: "note-1",
      title: "Shopping list",
      body: "milk\neggs\nbread",
      tags: ["home", "errands", "weekly"],
      pinned: true,
      trashed: false,
      deleted: false,
      createdAt: 1_600_000_000_000,
      updatedAt: 1_600_000_000_000,
      schemaVersion: 3
    })
  })

  it("running twice is a no-op: nothing changes and no operation is added", () => {
    const doc = v1Note(shoppingList)
    migrated(doc)
    const version = doc.oplogVersion().toJSON()
    expect(migrated(doc)).toEqual({ from: 3, to: 3, changed: false })
    expect(doc.oplogVersion().toJSON()).toEqual(version)
  })

  it("two devices migrating the same v1 document offline converge to one correct document", () => {
    const [a, b] = twoReplicas()
    migrateOfflineThenMeet(a, b)
    const expected = { title: "Shopping list", body: "milk\neggs\nbread", tags: ["home", "errands", "weekly"], schemaVersion: 3 }
    expect(readNote("note-1", a)).toMatchObject(expected)
    expect(a.toJSON()).toEqual(b.toJSON())
    // No duplicated items underneath either: the list itself holds each tag once.
    expect(a.toJSON().note.tags).toEqual(expected.tags)
  })

  it("keeps edits each device made after migrating, merged", () => {
    const [a, b] = twoReplicas()
    migrated(a)
    migrated(b)
    setTitle(a, "Shopping list (Sunday)", 2)
    setBody(b, "milk\neggs\nbread\ncoffee", 2)
    a.commit()
    b.commit()
    sync(a, b)
    expect(readNote("note-1", a)).toMatchObject({ title: "Shopping list (Sunday)", body: "milk\neggs\nbread\ncoffee" })
    expect(a.toJSON()).toEqual(b.toJSON())
  })

  it("loses nothing when the devices migrated different v1 states", () => {
    const [a, b] = twoReplicas()
    // b's old app changed the content before the upgrade, and never synced it.
    const content = b.getMap("note").get("content") as { insert: (i: number, s: string) => void }
    content.insert(shoppingList.content.length, "\nbutter")
    b.commit()
    migrateOfflineThenMeet(a, b)
    expect(a.toJSON()).toEqual(b.toJSON())
    expect(readNote("note-1", a).body).toContain("butter")
    expect(readNote("note-1", a).title).toContain("Shopping list")
    expect(readNote("note-1", a).tags).toEqual(["home", "errands", "weekly"])
  })

  it("refuses a document newer than the app and leaves it untouched", () => {
    const doc = v1Note(shoppingList)
    doc.getMap("note").set("schemaVersion", 99)
    doc.commit()
    const before = doc.oplogVersion().toJSON()
    const outcome = migrateNote("note-1", doc)
    expect(Either.isLeft(outcome)).toBe(true)
    const error = Either.getLeft(outcome).pipe((o) => (o._tag === "Some" ? o.value : undefined))
    expect(error).toMatchObject({ _tag: "DocumentTooNew", docId: "note-1", documentVersion: 99, appVersion: 3 })
    expect(error?.message).toMatch(/newer version of Quire/)
    expect(doc.oplogVersion().toJSON()).toEqual(before)
  })
})
