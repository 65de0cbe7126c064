/** Coalesced pushes: typing costs the server one change per push, and folding never loses an edit. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { readMeta } from "../src/data/Meta.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import type { SyncApi } from "../src/sync/SyncApi.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, engineOver, eventually, joinDevice, openDevice, reopenDevice, type Device } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { workspaceInfo } from "./support/RawApi.js"
import { serverPerSuite } from "./support/SuiteServer.js"

/** The device's engine over `wrap(api)`, so a test can count or break its pushes. */
const engineWith = (device: Device, wrap: (api: SyncApi) => SyncApi) => engineOver(device, wrap, { compaction: { quietMs: 3_600_000 } })

describe("coalesced pushes", () => {
  const server = serverPerSuite()

  it("typing for two seconds becomes a handful of pushes and changes, and the other device has every character", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "typed" })
    await laptop.engine.syncOnce()
    const before = (await workspaceInfo(laptop)).headSeq
    let pushes = 0
    const engine = await engineWith(laptop, (api) => ({ ...api, push: (changes) => ((pushes += 1), api.push(changes)) }))
    engine.start()
    phone.engine.start()
    let text = ""
    for (let i = 0; i < 40; i++) {
      text += String.fromCharCode(97 + (i % 26))
      await laptop.notes.setBody(id, text)
      engine.kick()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await eventually(async () => (await phone.notes.read(id))?.body === text, 10_000, "the whole text on the phone")
    await engine.stop()
    // 40 keystrokes over 2 s at one push per 500 ms at most: about 5, never 40.
    expect(pushes).toBeLessThanOrEqual(8)
    expect((await workspaceInfo(laptop)).headSeq - before).toBeLessThanOrEqual(8)
  })

  it("an edit after a pause goes out as the editing context handed it, before the outbox is read; typing on folds into a new entry", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "paused" })
    await laptop.engine.syncOnce()
    const events: Array<string> = []
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const key = await workspaceKeyOf(credentials)
    const engine = await engineWith(laptop, (api) => ({
      ...api,
      push: (changes) => (events.push(`push ${changes.length}`), api.push(changes))
    }))
    // The editing context (a tab) over the same database, handing its paused edits to the engine.
    const notes = new NoteRepository(new DocStore(laptop.db, key, Date.now, (entry) => engine.kick(entry)), () => engine.kick())
    laptop.db.outbox.hook("reading", (entry) => (events.push("outbox read"), entry))
    engine.start()
    try {
      await eventually(async () => engine.current.state === "idle")
      await new Promise((resolve) => setTimeout(resolve, 600))
      events.length = 0
      await notes.setBody(id, "after a pause")
      const handed = await laptop.db.outbox.toArray()
      expect(handed).toEqual([expect.objectContaining({ frozen: 1 })])
      // Typing on at once: the frozen entry takes no more, a new one opens.
      await notes.setBody(id, "after a pause, and more")
      await eventually(async () => (await laptop.db.outbox.count()) === 0)
      const firstPush = events.findIndex((event) => event.startsWith("push"))
      expect(events[firstPush]).toBe("push 1")
      expect(events.slice(0, firstPush)).not.toContain("outbox read")
      // Later pushes read the outbox as before.
      expect(events.slice(firstPush)).toContain("outbox read")
      await phone.engine.syncOnce()
      expect((await phone.notes.read(id))?.body).toBe("after a pause, and more")
    } finally {
      await engine.stop()
    }
  })

  it("an edit after a pause folds into the note's entry that has not gone yet, as any other edit does", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    let now = Date.now()
    const offline = await openDevice("laptop", laptop.db, {}, () => now)
    server.track(offline)
    const id = await offline.notes.create({ title: "written offline" })
    await offline.notes.setBody(id, "first words")
    const entries = async () =>
      (await offline.db.outbox.where("docId").equals(id).toArray()).map(({ frozen, folds }) => ({ frozen, folds }))
    // The creation went frozen (it would have been pushed at once); the body opened an entry.
    expect(await entries()).toEqual([
      { frozen: 1, folds: undefined },
      { frozen: undefined, folds: undefined }
    ])
    now += 10_000
    await offline.notes.setBody(id, "first words, then more after a pause")
    expect(await entries()).toEqual([
      { frozen: 1, folds: undefined },
      { frozen: undefined, folds: 1 }
    ])
    expect(await offline.notes.read(id)).toMatchObject({ body: "first words, then more after a pause" })
  })

  it("a crash between folding and pushing loses nothing: a restarted device folds on and pushes it all", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "before the crash" })
    await laptop.notes.setBody(id, "folded before the crash")
    const restarted = await reopenDevice(laptop)
    server.track(restarted)
    await restarted.notes.setTitle(id, "after the crash")
    // The creation went into the outbox frozen, to be pushed at once; the edits after it fold into one entry.
    expect(await restarted.db.outbox.count()).toBe(2)
    await restarted.engine.syncOnce()
    await phone.engine.syncOnce()
    expect(await phone.notes.read(id)).toMatchObject({ title: "after the crash", body: "folded before the crash" })
  })

  it("a push whose answer was lost is retried with the same bytes, while later edits open a new entry", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "sent once", body: "" })
    let loseAnswer = true
    const sent: Array<string> = []
    const engine = await engineWith(laptop, (api) => ({
      ...api,
      push: async (changes) => {
        sent.push(changes.map((c) => `${c.clientSeq}:${Buffer.from(c.data).toString("base64")}`).join(","))
        const result = await api.push(changes)
        if (!loseAnswer) return result
        loseAnswer = false
        // The server stored it; the answer never arrived. Meanwhile the person types on.
        await laptop.notes.setBody(id, "typed while the push was in flight")
        return Either.left({ kind: "network" as const, message: "The server cannot be reached.", tag: "RequestError" })
      }
    }))
    await expect(engine.syncOnce()).rejects.toThrow(/cannot be reached/)
    await engine.syncOnce()
    expect(sent[1]!.startsWith(sent[0]!)).toBe(true)
    expect(engine.current.lastError).toBeNull()
    expect(await laptop.db.outbox.count()).toBe(0)
    await phone.engine.syncOnce()
    expect(await phone.notes.read(id)).toMatchObject({ title: "sent once", body: "typed while the push was in flight" })
  })
})
