import { LoroDoc, LoroList } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { createDevice, eventually, joinDevice, notesOf } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("two devices against the real server", () => {
  const server = serverPerSuite()

  const pairOf = async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    return { laptop, phone }
  }

  it("merges offline edits to one note: a title on one, the body on both", async () => {
    const { laptop, phone } = await pairOf()
    const id = await laptop.notes.create({ title: "Trip", body: "Pack:\nshoes\n" })
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    expect((await phone.notes.read(id))?.body).toBe("Pack:\nshoes\n")

    // Both offline: nothing syncs while they edit.
    await laptop.notes.setTitle(id, "Trip to Lisbon")
    await laptop.notes.setBody(id, "Pack:\nshoes\nsunscreen\n")
    await phone.notes.setBody(id, "Pack:\npassport\nshoes\n")

    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    await laptop.engine.syncOnce()

    const onLaptop = await laptop.notes.read(id)
    const onPhone = await phone.notes.read(id)
    expect(onLaptop).toEqual(onPhone)
    expect(onLaptop?.title).toBe("Trip to Lisbon")
    expect(onLaptop?.body).toBe("Pack:\npassport\nshoes\nsunscreen\n")
    // The list rows agree too.
    expect(await laptop.db.notes.get(id)).toEqual(await phone.db.notes.get(id))
  })

  it("keeps one of a tag both devices added offline, on both, once they sync", async () => {
    const { laptop, phone } = await pairOf()
    const id = await laptop.notes.create({ title: "Plan" })
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()

    await laptop.notes.setTags(id, ["work"])
    await phone.notes.setTags(id, ["work"])
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    await laptop.engine.syncOnce()

    // The pull that merged the two found the tag twice in the document, and the migration step removed one.
    for (const device of [laptop, phone]) {
      const doc = new LoroDoc()
      doc.import((await device.db.docs.get(id))!.snapshot)
      expect(doc.getMap("note").get("tags")).toBeInstanceOf(LoroList)
      expect((doc.getMap("note").get("tags") as LoroList).toArray()).toEqual(["work"])
    }
    expect((await phone.notes.read(id))?.tags).toEqual(["work"])
    expect((await laptop.notes.read(id))?.tags).toEqual(["work"])
    expect((await phone.db.notes.get(id))?.tags).toEqual(["work"])
    expect(await laptop.db.notes.get(id)).toEqual(await phone.db.notes.get(id))
  })

  it("delivers 1,000 offline edits from one device to the other, folded into one change per note", async () => {
    const { laptop, phone } = await pairOf()
    const ids: Array<string> = []
    for (let i = 0; i < 100; i++) ids.push(await laptop.notes.create({ title: `note ${i}` }))
    for (let i = 0; i < 900; i++) await laptop.notes.setBody(ids[i % 100]!, `edit ${i}`)
    // Unsent edits of a note fold into its one outbox entry. The first edit, after a pause with
    // nothing waiting, was written frozen to be pushed at once (OutboxFold's hand-off).
    expect(await laptop.db.outbox.count()).toBe(101)

    await laptop.engine.syncOnce()
    expect(await laptop.db.outbox.count()).toBe(0)
    expect(laptop.engine.current).toMatchObject({ state: "idle", pending: 0, cursor: 101 })
    await phone.engine.syncOnce()

    expect(await phone.db.notes.count()).toBe(100)
    const last = await phone.notes.read(ids[99]!)
    expect(last).toMatchObject({ title: "note 99", body: "edit 899" })
    expect(await notesOf(phone)).toEqual(await notesOf(laptop))
  })

  it("shows an edit on the other device within moments while both run", async () => {
    const { laptop, phone } = await pairOf()
    laptop.engine.start()
    phone.engine.start()
    const id = await laptop.notes.create({ title: "live" })
    laptop.engine.kick()
    await eventually(async () => (await phone.db.notes.get(id))?.title === "live", 10_000, "the note on the phone")
    await phone.notes.setBody(id, "typed on the phone")
    phone.engine.kick()
    await eventually(async () => (await laptop.notes.read(id))?.body === "typed on the phone", 10_000, "the edit on the laptop")
    await eventually(() => laptop.engine.current.state === "idle" && laptop.engine.current.pending === 0, 10_000, "laptop idle")
  })
})
