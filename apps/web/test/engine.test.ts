/** The sync engine's own rules: batch sizes, unreadable blobs kept aside, honest status. */
import { encodeEnvelope, sealBlob } from "@quire/shared"
import { noteText } from "@quire/schema"
import { Effect } from "effect"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import type { SyncApi } from "../src/sync/SyncApi.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, engineOver, eventually, joinDevice, notesOf, type Device } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { pushRaw, workspaceInfo } from "./support/RawApi.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("the sync engine", () => {
  const server = serverPerSuite()

  /** The real API, with every push's size written down. */
  const recordingPushes = (api: SyncApi, sizes: Array<{ changes: number; bytes: number }>): SyncApi => ({
    ...api,
    push: (changes) => {
      sizes.push({ changes: changes.length, bytes: changes.reduce((sum, c) => sum + c.data.length, 0) })
      return api.push(changes)
    }
  })

  const engineWith = (device: Device, sizes: Array<{ changes: number; bytes: number }>) =>
    engineOver(device, (api) => recordingPushes(api, sizes))

  /** The real API, with every pull request and every pulled change's seq written down. */
  const recordingPulls = (api: SyncApi, pulled: Array<number>, requests = { count: 0 }): SyncApi => ({
    ...api,
    pull: async (after, limit, maxBytes) => {
      requests.count += 1
      const page = await api.pull(after, limit, maxBytes)
      if (page._tag === "Right") pulled.push(...page.right.changes.map((c) => c.seq))
      return page
    }
  })

  it("does not pull back (or ask for) what it just pushed, unless another device wrote in between; both converge and count their logs alike", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const pulled: Array<number> = []
    const requests = { count: 0 }
    const engine = await engineOver(laptop, (api) => recordingPulls(api, pulled, requests))
    await engine.syncOnce()
    expect(requests.count).toBe(1)
    const id = await laptop.notes.create({ title: "mine", body: "one" })
    await laptop.notes.setBody(id, "one two")
    await engine.syncOnce()
    expect(pulled).toEqual([])
    expect(requests.count).toBe(1)
    expect(await readMeta(laptop.db, "cursor")).toBe((await workspaceInfo(laptop)).headSeq)

    // The phone writes between the laptop's pulls: the laptop's next push is not all that is
    // new, so it pulls everything after its cursor, its own change included.
    await phone.engine.syncOnce()
    await phone.notes.setBody(id, "one two three")
    await phone.engine.syncOnce()
    await laptop.notes.setTitle(id, "mine, renamed")
    await engine.syncOnce()
    const head = (await workspaceInfo(laptop)).headSeq
    expect(pulled).toEqual([head - 1, head])
    await phone.engine.syncOnce()
    expect(await notesOf(laptop)).toEqual(await notesOf(phone))
    expect((await notesOf(laptop))[0]).toMatchObject({ title: "mine, renamed", body: "one two three" })
    // The log counts that decide compaction are the same whether a change was pulled or skipped.
    const logOf = async (device: Device) =>
      (await device.db.docLog.toArray()).map(({ key, tailCount, tailBytes }) => ({ key, tailCount, tailBytes }))
    expect(await logOf(laptop)).toEqual(await logOf(phone))
  })

  it("reads what woke its long-poll from the long-poll's answer, without a second request", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "shared", body: "one" })
    await laptop.engine.syncOnce()
    const pulled: Array<number> = []
    const requests = { count: 0 }
    const watching = await engineOver(phone, (api) => recordingPulls(api, pulled, requests))
    watching.start()
    try {
      await eventually(async () => (await phone.notes.read(id))?.body === "one")
      const before = requests.count
      for (const body of ["one two", "one two three"]) {
        await laptop.notes.setBody(id, body)
        await laptop.engine.syncOnce()
        await eventually(async () => (await phone.notes.read(id))?.body === body)
      }
      expect(requests.count).toBe(before)
      expect(await readMeta(phone.db, "cursor")).toBe((await workspaceInfo(laptop)).headSeq)
    } finally {
      await watching.stop()
    }
  })

  it("hands each remote edit to its listeners before storing it, and a round woken by one never says it is syncing", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "shared", body: "one" })
    await laptop.engine.syncOnce()
    const watching = await engineOver(phone)
    const arrivals: Array<{ readonly docIds: ReadonlyArray<string>; readonly bodies: Promise<[string, string | undefined]> }> = []
    watching.onArrived((entries) => {
      const mine = entries.filter((entry) => entry.docId === id)
      // What the listener got, and what the store held when it got it (read before the page's write).
      const stored = phone.db.docs.get(id)
      const bodies = stored.then((row): [string, string | undefined] => {
        const doc = new LoroDoc()
        if (row) doc.import(row.snapshot)
        const before = row ? noteText(doc, "body").toString() : undefined
        for (const entry of mine) doc.import(entry.bytes)
        return [noteText(doc, "body").toString(), before]
      })
      arrivals.push({ docIds: entries.map((entry) => entry.docId), bodies })
    })
    watching.start()
    try {
      await eventually(async () => (await phone.notes.read(id))?.body === "one")
      const states: Array<string> = []
      const unsubscribe = watching.subscribe((status) => states.push(status.state))
      const from = arrivals.length
      await laptop.notes.setBody(id, "one two")
      await laptop.engine.syncOnce()
      await eventually(async () => (await phone.notes.read(id))?.body === "one two")
      unsubscribe()
      const handed = arrivals.slice(from)
      expect(handed.map((arrival) => arrival.docIds)).toEqual([[id]])
      expect(await handed[0]!.bodies).toEqual(["one two", "one"])
      expect(states.slice(1)).not.toContain("syncing")
    } finally {
      await watching.stop()
    }
  })

  it("keeps its long-poll open when an edit starts a round, so the push needs no new connection; stopping ends it", async () => {
    const laptop = await createDevice(server.url)
    server.track(laptop)
    const id = await laptop.notes.create({ title: "kept", body: "one" })
    await laptop.engine.syncOnce()
    const waits: Array<{ readonly signal: AbortSignal; answered: boolean }> = []
    const engine = await engineOver(laptop, (api) => ({
      ...api,
      wait: async (after, timeout, signal, page) => {
        const wait = { signal: signal!, answered: false }
        waits.push(wait)
        const answer = await api.wait(after, timeout, signal, page)
        wait.answered = true
        return answer
      }
    }))
    let openAtStop: typeof waits = []
    engine.start()
    try {
      await eventually(async () => waits.length > 0)
      for (const body of ["one two", "one two three"]) {
        await laptop.notes.setBody(id, body)
        engine.kick()
        await eventually(async () => (await laptop.db.outbox.count()) === 0 && engine.current.state === "idle")
      }
      expect(waits.filter((wait) => wait.signal.aborted)).toEqual([])
      // The long-poll after the last round is open when the engine stops.
      await eventually(async () => waits.some((wait) => !wait.answered))
    } finally {
      openAtStop = waits.filter((wait) => !wait.answered)
      await engine.stop()
    }
    expect(openAtStop.length).toBeGreaterThan(0)
    expect(openAtStop.every((wait) => wait.signal.aborted)).toBe(true)
  })

  it("pushes at most 500 changes per request", async () => {
    const laptop = await createDevice(server.url)
    server.track(laptop)
    for (let i = 0; i < 1100; i++) await laptop.notes.create({ title: `note ${i}` })
    const sizes: Array<{ changes: number; bytes: number }> = []
    await (await engineWith(laptop, sizes)).syncOnce()
    expect(sizes.map((s) => s.changes)).toEqual([500, 500, 100])
    expect(await laptop.db.outbox.count()).toBe(0)
  })

  it("pushes at most 1 MiB per request", async () => {
    const laptop = await createDevice(server.url)
    server.track(laptop)
    const big = "x".repeat(300 * 1024)
    for (let i = 0; i < 7; i++) await laptop.notes.create({ title: `big ${i}`, body: `${i}${big}` })
    const sizes: Array<{ changes: number; bytes: number }> = []
    await (await engineWith(laptop, sizes)).syncOnce()
    expect(sizes.length).toBeGreaterThanOrEqual(3)
    expect(sizes.every((s) => s.bytes <= 1024 * 1024)).toBe(true)
    expect(sizes.reduce((sum, s) => sum + s.changes, 0)).toBe(7)
  })

  it("keeps an unreadable blob aside and goes on syncing everything else", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    await laptop.notes.create({ title: "readable before" })
    await laptop.engine.syncOnce()
    // A device with a broken key writes garbage into the log.
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const garbage = Buffer.from("definitely not a sealed envelope").toString("base64")
    await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/changes`, {
      method: "POST",
      headers: { authorization: `Bearer ${credentials.token}`, "content-type": "application/json" },
      body: JSON.stringify({ changes: [{ clientSeq: 999_999, key: "a2V5LW9mLWEtYnJva2VuLWRldmljZQ", data: garbage }] })
    })
    await laptop.notes.create({ title: "readable after" })
    await laptop.engine.syncOnce()

    await phone.engine.syncOnce()
    expect(phone.engine.current).toMatchObject({ state: "idle", cursor: 3 })
    const kept = await phone.db.quarantine.toArray()
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({ seq: 2, key: "a2V5LW9mLWEtYnJva2VuLWRldmljZQ" })
    expect(Buffer.from(kept[0]!.data).toString()).toBe("definitely not a sealed envelope")
    expect((await notesOf(phone)).map((n) => n?.title).sort()).toEqual(["readable after", "readable before"])
  })

  it("sets aside a change Loro cannot import, with its seq and key, and later changes still arrive", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "before the bad change" })
    await laptop.engine.syncOnce()
    // A buggy or newer device: a properly sealed envelope whose Loro bytes make no sense here.
    const key = await workspaceKeyOf((await readMeta(laptop.db, "workspace"))!)
    const garbage = encodeEnvelope([{ docId: id, bytes: new Uint8Array([0x6c, 0x6f, 0x72, 0x6f, 1, 2, 3, 4, 5, 6, 7, 8]) }])
    const docKey = await laptop.store.keyOf(id)
    await pushRaw(laptop, [{ clientSeq: 777_777, key: docKey, data: await Effect.runPromise(sealBlob(key, garbage)) }])
    await laptop.notes.setTitle(id, "after the bad change")
    await laptop.engine.syncOnce()

    await phone.engine.syncOnce()
    expect(phone.engine.current).toMatchObject({ state: "idle", lastError: null, cursor: 3 })
    const kept = await phone.db.quarantine.toArray()
    expect(kept).toHaveLength(1)
    expect(kept[0]).toMatchObject({ seq: 2, key: Buffer.from(docKey).toString("base64url") })
    expect(kept[0]!.reason).toMatch(/Loro could not import/)
    expect((await phone.notes.read(id))?.title).toBe("after the bad change")
  })

  it("reports pending changes and bytes honestly, never idle while any wait", async () => {
    const laptop = await createDevice(server.url)
    server.track(laptop)
    await laptop.notes.create({ title: "one" })
    await laptop.notes.create({ title: "two" })
    laptop.engine.kick()
    await eventually(() => laptop.engine.current.pending === 2, 5_000, "the pending count")
    expect(laptop.engine.current.state).toBe("syncing")
    expect(laptop.engine.current.pendingBytes).toBe((await laptop.db.outbox.toArray()).reduce((sum, e) => sum + e.blob.length, 0))
    await laptop.engine.syncOnce()
    expect(laptop.engine.current).toMatchObject({ state: "idle", pending: 0, pendingBytes: 0, lastError: null, cursor: 2 })
    expect(laptop.engine.current.lastSyncedAt).toBeGreaterThan(Date.now() - 60_000)
    expect(laptop.statuses.every((s) => s.state !== "idle" || s.pending === 0)).toBe(true)
  })
})
