/** Per-document compaction from the device's side: what it compacts, what it never may, and what others then see. */
import { describe, expect, it } from "vitest"
import { keyText } from "../src/data/RemoteImport.js"
import { createDevice, joinDevice, notesOf, reopenDevice } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { pushRaw, storedChanges, workspaceInfo } from "./support/RawApi.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const eager = { compaction: { minTail: 4, quietMs: 60_000 } }

describe("per-document compaction", () => {
  const server = serverPerSuite()

  it("a device paired after compaction gets each document's snapshot and tail in pages, with progress, and converges", async () => {
    const laptop = await createDevice(server.url, "laptop", eager)
    server.track(laptop)
    const ids: Array<string> = []
    for (let i = 0; i < 5; i++) ids.push(await laptop.notes.create({ title: `n${i}`, tags: ["old"] }))
    await laptop.engine.pushAll()
    // Pushed one by one, so each edit is its own change on the server.
    for (let i = 0; i < 100; i++) {
      await laptop.notes.setBody(ids[i % 5]!, `v${i}`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    // 105 changes, then one snapshot per document replacing all of that document's changes.
    expect(await workspaceInfo(laptop)).toMatchObject({ headSeq: 110, changeCount: 5 })
    const stored = await storedChanges(laptop)
    expect(stored.map((c) => c.kind)).toEqual(Array(5).fill("snapshot"))
    expect(new Set(stored.map((c) => c.key)).size).toBe(5)

    for (let i = 0; i < 3; i++) {
      await laptop.notes.setTitle(ids[i]!, `after compaction ${i}`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    expect(await workspaceInfo(laptop)).toMatchObject({ headSeq: 113, changeCount: 8 })

    const tablet = await joinDevice(await shareLinkFrom(laptop), "tablet", { pageSize: 2 })
    server.track(tablet)
    await tablet.engine.syncOnce()
    expect(await notesOf(tablet)).toEqual(await notesOf(laptop))
    expect((await tablet.notes.read(ids[2]!))?.title).toBe("after compaction 2")
    const progress = tablet.statuses.flatMap((s) => (s.progress ? [s.progress] : []))
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.every((p) => p.total === 113 && p.done > 0 && p.done < 113 && p.bytes > 0)).toBe(true)
    // Notes received so far grow page by page, up to every note.
    expect(progress.map((p) => p.notes)).toEqual([...progress.map((p) => p.notes)].sort((a, b) => a - b))
    expect(progress.at(-1)!.notes).toBeGreaterThan(0)
    expect(tablet.engine.current).toMatchObject({ cursor: 113, progress: null, state: "idle" })
  })

  it("leaves a busy document's short tail alone, and compacts it once it has gone quiet", async () => {
    const busy = await createDevice(server.url, "busy", { compaction: { minTail: 8, quietMs: 60_000 } })
    server.track(busy)
    const id = await busy.notes.create({ title: "quiet" })
    await busy.engine.pushAll()
    await busy.notes.setBody(id, "one edit")
    await busy.engine.syncOnce()
    expect((await storedChanges(busy)).map((c) => c.kind)).toEqual(["update", "update"])

    const laptop = await reopenDevice(busy, { compaction: { minTail: 8, quietMs: 0 } })
    server.track(laptop)
    await laptop.engine.syncOnce()
    await laptop.engine.syncOnce()
    expect((await storedChanges(laptop)).map((c) => c.kind)).toEqual(["snapshot"])
    const row = await laptop.db.docLog.get(keyText(await laptop.store.keyOf(id)))
    expect(row).toMatchObject({ docId: id, tailCount: 0, coveredCount: 2 })
  })

  it("never compacts a document with a change it quarantined, such as one from a newer app", async () => {
    const laptop = await createDevice(server.url, "laptop", eager)
    server.track(laptop)
    const kept = await laptop.notes.create({ title: "has a change from the future" })
    const other = await laptop.notes.create({ title: "ordinary" })
    await laptop.engine.syncOnce()
    // A newer app's change to the same document: sealed with a blob version this app cannot open.
    const future = new Uint8Array([2, ...crypto.getRandomValues(new Uint8Array(60))])
    await pushRaw(laptop, [{ clientSeq: 1_000_000, key: await laptop.store.keyOf(kept), data: future }])
    for (let i = 0; i < 12; i++) {
      await laptop.notes.setBody(kept, `kept ${i}`)
      await laptop.notes.setBody(other, `other ${i}`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    expect(
      await laptop.db.quarantine
        .where("key")
        .equals(keyText(await laptop.store.keyOf(kept)))
        .count()
    ).toBe(1)

    const stored = await storedChanges(laptop)
    const keptKey = Buffer.from(await laptop.store.keyOf(kept)).toString("base64url")
    const otherKey = Buffer.from(await laptop.store.keyOf(other)).toString("base64url")
    // The unreadable change and every change beside it stay; the other document was compacted.
    expect(stored.filter((c) => c.key === keptKey)).toHaveLength(14)
    expect(stored.some((c) => c.key === keptKey && Buffer.from(c.data).equals(Buffer.from(future)))).toBe(true)
    expect(stored.filter((c) => c.key === otherKey).map((c) => c.kind)).toEqual(["snapshot"])
  })

  it("keeps an update that waits on a missing one, across a restart, never compacts past it, and applies both once the gap fills", async () => {
    const laptop = await createDevice(server.url, "laptop", eager)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "gap", body: "base" })
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    // Two edits on the phone; only the second reaches the server for now.
    await phone.notes.setBody(id, "base A")
    // As if a push had started carrying the first edit: the second becomes an entry of its own.
    await phone.db.outbox.toCollection().modify({ frozen: 1 })
    await phone.notes.setBody(id, "base A B")
    const [first, second] = await phone.db.outbox.orderBy("clientSeq").toArray()
    await pushRaw(phone, [{ clientSeq: second!.clientSeq!, key: second!.key, data: second!.blob }])

    for (let i = 0; i < 8; i++) {
      await laptop.notes.setTitle(id, `gap ${i}`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    expect((await laptop.db.docs.get(id))?.pending).toBeDefined()
    expect((await storedChanges(laptop)).every((c) => c.kind === "update")).toBe(true)

    const restarted = await reopenDevice(laptop, eager)
    server.track(restarted)
    await pushRaw(phone, [{ clientSeq: first!.clientSeq!, key: first!.key, data: first!.blob }])
    await restarted.engine.syncOnce()
    expect((await restarted.notes.read(id))?.body).toBe("base A B")
    expect((await restarted.db.docs.get(id))?.pending).toBeUndefined()
  })

  it("two devices compacting one document at once while a third types into it lose nothing", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    const tablet = await joinDevice(await shareLinkFrom(laptop), "tablet")
    server.track(laptop, phone, tablet)
    const id = await laptop.notes.create({ title: "contended", body: "start" })
    for (let i = 0; i < 20; i++) {
      await laptop.notes.setBody(id, `start ${i}`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    await Promise.all([phone.engine.syncOnce(), tablet.engine.syncOnce()])

    const compactBy = async (device: typeof laptop) => {
      const result = await device.engine.compactDocument(id)
      expect(result?._tag).toBe("Right")
    }
    const typing = (async () => {
      for (let i = 0; i < 10; i++) {
        await tablet.notes.setBody(id, `${(await tablet.notes.read(id))!.body} t${i}`)
        await tablet.engine.pushAll()
      }
    })()
    await Promise.all([compactBy(laptop), compactBy(phone), typing])
    for (const device of [laptop, phone, tablet, laptop, phone]) await device.engine.syncOnce()
    const body = (await laptop.notes.read(id))!.body
    for (let i = 0; i < 10; i++) expect(body).toContain(`t${i}`)
    expect(await notesOf(phone)).toEqual(await notesOf(laptop))
    expect(await notesOf(tablet)).toEqual(await notesOf(laptop))
    const fresh = await joinDevice(await shareLinkFrom(laptop), "fresh")
    server.track(fresh)
    await fresh.engine.syncOnce()
    expect(await notesOf(fresh)).toEqual(await notesOf(laptop))
  })
})
