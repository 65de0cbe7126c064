/** The links index ("Linked from") follows every edit and every import, on each device. */
import { noteText, setLinkTarget } from "@quire/schema"
import { generateWorkspaceKey } from "@quire/shared"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { QuireDb } from "../src/data/QuireDb.js"

let counter = 0
const device = async () => {
  const db = new QuireDb(`quire-links-${process.pid}-${++counter}`)
  const store = new DocStore(db, await Effect.runPromise(generateWorkspaceKey))
  return { db, store, notes: new NoteRepository(store) }
}

/** What one device stored for `id` reaches the other, as a pulled change would. */
const sync = async (from: Awaited<ReturnType<typeof device>>, to: Awaited<ReturnType<typeof device>>, id: string) =>
  to.store.applyRemote([{ docId: id, bytes: (await from.db.docs.get(id))!.snapshot }])

const linksTo = (db: QuireDb, id: string) => db.links.where("to").equals(id).toArray()

describe("the links index", () => {
  it("indexes links on edit and on import, keeps a bound link through a rename, and drops a removed one", async () => {
    const laptop = await device()
    const phone = await device()
    const target = await laptop.notes.create({ title: "Target" })
    const source = await laptop.notes.create({ title: "Source", body: "" })
    // A link picked from the completion list: the text, bound to the target's id, in one change.
    await laptop.store.change(source, (doc) => {
      noteText(doc, "body").insert(0, "See [[Target]] and [[Typed by hand]]")
      setLinkTarget(doc, "Target", target)
    })
    expect(await linksTo(laptop.db, target)).toEqual([{ from: source, text: "Target", title: "target", to: target }])
    expect(await laptop.db.links.where("title").equals("typed by hand").toArray()).toEqual([
      { from: source, text: "Typed by hand", title: "typed by hand" }
    ])

    await sync(laptop, phone, target)
    await sync(laptop, phone, source)
    expect(await linksTo(phone.db, target)).toEqual([{ from: source, text: "Target", title: "target", to: target }])

    await laptop.notes.setTitle(target, "Renamed")
    await sync(laptop, phone, target)
    expect((await linksTo(phone.db, target)).map((link) => link.from)).toEqual([source])

    await phone.notes.setBody(source, "no links now")
    expect(await phone.db.links.where("from").equals(source).count()).toBe(0)
    await sync(phone, laptop, source)
    expect(await laptop.db.links.where("from").equals(source).count()).toBe(0)
  })
})
