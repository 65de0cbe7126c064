/** The open note's replica in a tab (LiveNote), fed by the sync worker before it stores what it pulled. */
import { LoroDoc } from "loro-crdt"
import { noteText } from "@quire/schema"
import { describe, expect, it } from "vitest"
import { LiveNote } from "../src/editor/LiveNote.js"
import { createDevice, joinDevice } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("the open note's replica", () => {
  const server = serverPerSuite()

  it("saves typing that builds on a change the sync worker handed over before storing it", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "shared", body: "one" })
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()

    // The laptop types " two"; the phone's worker hands that change to the phone's open note
    // (SyncEngine.onArrived) and has not stored it yet.
    const typed = new LoroDoc()
    typed.import((await laptop.db.docs.get(id))!.snapshot)
    const from = typed.oplogVersion()
    const laptopBody = noteText(typed, "body")
    laptopBody.insert(laptopBody.length, " two")
    typed.commit()
    const arrived = typed.export({ mode: "update", from })
    await laptop.notes.saveEditorUpdate(id, arrived)

    const open = new LiveNote((await phone.db.docs.get(id))!)
    open.arrived(arrived)
    expect(open.body.toString()).toBe("one two")

    // The person types after it, and the edit is saved while the phone's store still lacks the laptop's change.
    open.body.insert(open.body.length, " three")
    open.doc.commit()
    const edits = open.unsaved(Date.now())!
    await phone.notes.saveEditorUpdate(id, edits.update)
    open.saved(edits.counter)
    expect((await phone.notes.read(id))?.body).toBe("one two three")

    // Both devices end with the same text.
    await phone.engine.syncOnce()
    await laptop.engine.syncOnce()
    expect((await laptop.notes.read(id))?.body).toBe("one two three")
    open.close()
  })
})
