/** The device-side store alone: durability of edits, two tabs on one database, migrations, bad blobs. */
import { v1Note } from "@quire/migrations/fixtures"
import { readNote } from "@quire/schema"
import { decodeEnvelope, exportWorkspaceKey, generateWorkspaceKey, openBlob } from "@quire/shared"
import { Effect, Either } from "effect"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { QuireDb } from "../src/data/QuireDb.js"
import { parseShareLink, formatShareLink } from "../src/sync/ShareLink.js"

let counter = 0
const setup = async () => {
  const db = new QuireDb(`quire-local-${process.pid}-${++counter}`)
  const key = await Effect.runPromise(generateWorkspaceKey)
  const store = new DocStore(db, key)
  return { db, key, store, notes: new NoteRepository(store) }
}

const outboxEntries = async (db: QuireDb, key: CryptoKey) =>
  Promise.all(
    (await db.outbox.orderBy("clientSeq").toArray()).map(async (entry) =>
      Either.getOrThrow(decodeEnvelope(await Effect.runPromise(openBlob(key, entry.blob))))
    )
  )

describe("the local store", () => {
  it("writes the document, the list row and an encrypted outbox entry; further edits fold into it until a push takes it", async () => {
    const { db, key, notes } = await setup()
    const id = await notes.create({ title: "Plan", body: "first line\nsecond line", tags: ["work"] })
    await notes.setPinned(id, true)
    expect(await db.docs.count()).toBe(1)
    expect(await db.notes.get(id)).toMatchObject({
      title: "Plan",
      preview: "first line second line",
      tags: ["work"],
      pinned: 1,
      trashed: 0
    })
    const outbox = await db.outbox.toArray()
    expect(outbox.map((e) => [e.clientSeq, e.folds])).toEqual([[1, 1]])
    expect(Buffer.from(outbox[0]!.blob).includes(Buffer.from("Plan"))).toBe(false)
    const envelopes = await outboxEntries(db, key)
    expect(envelopes.map((entries) => entries.map((e) => e.docId))).toEqual([[id]])
    // The one entry holds both edits.
    const replica = new LoroDoc()
    replica.import(envelopes[0]![0]!.bytes)
    expect(readNote(id, replica)).toMatchObject({ title: "Plan", pinned: true })

    // A push that starts freezes the entry: the next edit opens a new one.
    await db.outbox.update(1, { frozen: 1 })
    await notes.setPinned(id, false)
    expect((await db.outbox.toArray()).map((e) => e.clientSeq)).toEqual([1, 2])
    expect((await outboxEntries(db, key))[0]).toEqual(envelopes[0])
  })

  it("tells the sync leader of each saved edit once: with its bytes after a pause, else with a kick", async () => {
    const db = new QuireDb(`quire-local-${process.pid}-${++counter}`)
    const key = await Effect.runPromise(generateWorkspaceKey)
    let now = 1_000_000
    const handed: Array<number> = []
    let kicks = 0
    const notes = new NoteRepository(
      new DocStore(
        db,
        key,
        () => now,
        (entry) => handed.push(entry.clientSeq)
      ),
      () => (kicks += 1)
    )
    const id = await notes.create({ title: "told once" })
    expect([handed, kicks]).toEqual([[1], 0])
    now += 100
    await notes.setBody(id, "typing on")
    expect([handed, kicks]).toEqual([[1], 1])
    // After a pause, with an entry still waiting: the edit folds into it and only kicks.
    now += 10_000
    await notes.setBody(id, "typing on, later")
    expect([handed, kicks]).toEqual([[1], 2])
  })

  it("an edit is durable once it resolves: a fresh store on the same database reads it", async () => {
    const { db, key, notes } = await setup()
    const id = await notes.create({ title: "durable" })
    await notes.setBody(id, "kept")
    const reopened = new NoteRepository(new DocStore(new QuireDb(db.name), key))
    expect(await reopened.read(id)).toMatchObject({ title: "durable", body: "kept" })
  })

  it("two tabs editing one note through their own stores never overwrite each other", async () => {
    const { db, key, notes: tabA } = await setup()
    const tabB = new NoteRepository(new DocStore(db, key))
    const id = await tabA.create({ title: "shared", body: "" })
    expect((await tabB.read(id))?.title).toBe("shared")
    await tabA.setBody(id, "from tab A")
    await tabB.setTitle(id, "renamed in tab B")
    await tabA.setTags(id, ["a"])
    const fresh = new NoteRepository(new DocStore(db, key))
    expect(await fresh.read(id)).toMatchObject({ title: "renamed in tab B", body: "from tab A", tags: ["a"] })
    // Both tabs folded into one entry, and it lost neither tab's edits.
    const entries = await outboxEntries(db, key)
    expect(entries).toHaveLength(1)
    const replica = new LoroDoc()
    replica.import(entries[0]![0]!.bytes)
    expect(readNote(id, replica)).toMatchObject({ title: "renamed in tab B", body: "from tab A", tags: ["a"] })
  })

  it("edits notes that fell out of the in-memory cache as correctly as recent ones", async () => {
    const { db, key, notes } = await setup()
    const ids: Array<string> = []
    for (let i = 0; i < 320; i++) ids.push(await notes.create({ title: `note ${i}`, body: "first" }))
    await notes.setBody(ids[0]!, "first, then edited after 319 others")
    expect(await notes.read(ids[0]!)).toMatchObject({ title: "note 0", body: "first, then edited after 319 others" })
    const fresh = new NoteRepository(new DocStore(db, key))
    expect((await fresh.read(ids[0]!))?.body).toBe("first, then edited after 319 others")
    expect(await db.outbox.count()).toBe(320)
  })

  it("trash, restore and delete forever move the note between lists", async () => {
    const { db, notes } = await setup()
    const id = await notes.create({ title: "doomed" })
    await notes.trash(id)
    expect((await db.notes.get(id))?.trashed).toBe(1)
    await notes.restore(id)
    expect((await db.notes.get(id))?.trashed).toBe(0)
    await notes.deleteForever(id)
    expect(await db.notes.get(id)).toBeUndefined()
    expect((await notes.read(id))?.deleted).toBe(true)
  })

  it("migrates a v1 note that arrives from an old device, keeps a pre-migration copy, and queues the migration to sync", async () => {
    const { db, key, store, notes } = await setup()
    const old = v1Note({ content: "Old title\nold body", tags: "x, y" })
    await store.applyRemote([{ docId: "legacy", bytes: old.export({ mode: "snapshot" }) }])
    expect(await notes.read("legacy")).toMatchObject({ title: "Old title", body: "old body", tags: ["x", "y"], schemaVersion: 3 })
    expect(await db.notes.get("legacy")).toMatchObject({ title: "Old title", preview: "old body" })
    expect(await db.docBackups.where("docId").equals("legacy").count()).toBe(1)
    const queued = await outboxEntries(db, key)
    expect(queued.flat().map((e) => e.docId)).toEqual(["legacy"])
    // The queued change, applied to the old device's copy, gives it the migrated note.
    old.import(queued[0]![0]!.bytes)
    expect(old.toJSON().note).toMatchObject({ title: "Old title", schemaVersion: 3 })
  })

  it("keeps a note from a newer app read-only with a clear reason, and refuses edits to it", async () => {
    const { db, store, notes } = await setup()
    const future = new LoroDoc()
    future.getMap("note").set("schemaVersion", 9)
    future.getMap("note").ensureMergeableText("title").insert(0, "from the future")
    future.commit()
    await store.applyRemote([{ docId: "future", bytes: future.export({ mode: "snapshot" }) }])
    expect(await db.notes.get("future")).toMatchObject({ title: "from the future" })
    expect((await db.notes.get("future"))?.readOnlyReason).toMatch(/newer version of Quire/)
    await expect(notes.setTitle("future", "overwrite")).rejects.toThrow(/Update the app/)
    expect((await notes.read("future"))?.title).toBe("from the future")
    expect(await db.outbox.count()).toBe(0)
  })
})

describe("share links", () => {
  it("round-trip with everything secret in the fragment", async () => {
    const key = await Effect.runPromise(Effect.flatMap(generateWorkspaceKey, exportWorkspaceKey))
    const link = formatShareLink({ serverUrl: "https://quire.example/", workspaceId: "ws-1", code: "c0de", key })
    expect(link.startsWith("https://quire.example/pair#")).toBe(true)
    expect(new URL(link).search).toBe("")
    expect(parseShareLink(link)).toEqual({ serverUrl: "https://quire.example", workspaceId: "ws-1", code: "c0de", key })
  })

  it("name what is wrong with a bad link", () => {
    expect(parseShareLink("hello")).toBe("not a link")
    expect(parseShareLink("https://x.example/pair#code=1&key=2")).toBe("missing workspace")
    expect(parseShareLink("https://x.example/pair#ws=1&key=2")).toBe("missing code")
    expect(parseShareLink("https://x.example/pair#ws=1&code=2")).toBe("missing key")
  })
})
