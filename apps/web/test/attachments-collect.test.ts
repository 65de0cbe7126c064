/**
 * Chunks no note refers to any more: kept while any note (trashed ones too) names them, removed
 * by the master only after 30 days, and never while some device cannot read a change.
 */
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { heldRetryMs } from "../src/sync/BlobCollector.js"
import { makeSyncApi } from "../src/sync/SyncApi.js"
import { SyncEngine } from "../src/sync/SyncEngine.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { days, serverBlobStatus, testClock, withClock } from "./support/ClockedDevice.js"
import { createDevice, joinDevice, type Device } from "./support/Device.js"
import { attachmentsOfNote, fileBytes, fileOf, readBack, sha256Hex } from "./support/Files.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const onServer = async (device: Device, ids: ReadonlyArray<string>) =>
  Promise.all(ids.map(async (id) => (await serverBlobStatus(device, id)).status))

describe("unreferenced attachment chunks", () => {
  const server = serverPerSuite()

  const masterWithClock = async () => {
    const clock = testClock()
    const laptop = await withClock(await createDevice(server.url, "laptop"), clock.now)
    server.track(laptop)
    return { clock, laptop }
  }

  it("a chunk shared by two notes survives deleting one forever; the last one's goes 30 days after, not before", async () => {
    const { clock, laptop } = await masterWithClock()
    const bytes = fileBytes(1024 * 1024 + 10, 21)
    const first = await laptop.notes.create({ title: "first" })
    const second = await laptop.notes.create({ title: "second" })
    const a = await laptop.files.add(first, fileOf(bytes, "a.png"))
    const b = await laptop.files.add(second, fileOf(bytes, "b.png"))
    expect(b.chunks).toEqual(a.chunks)
    await laptop.engine.syncOnce()

    await laptop.notes.deleteForever(first)
    await laptop.engine.syncOnce()
    expect(await laptop.db.blobOrphans.count()).toBe(0)
    clock.advance(days(31))
    await laptop.engine.syncOnce()
    expect(await onServer(laptop, a.chunks)).toEqual([200, 200])
    expect(sha256Hex(await readBack(laptop, b))).toBe(sha256Hex(bytes))

    await laptop.notes.deleteForever(second)
    await laptop.engine.syncOnce()
    expect((await laptop.db.blobOrphans.toArray()).map((row) => row.id).sort()).toEqual([...a.chunks].sort())
    // Added again meanwhile, the chunks are named again and their wait starts over when that note goes.
    clock.advance(days(10))
    const third = await laptop.notes.create({ title: "third" })
    await laptop.files.add(third, fileOf(bytes, "c.png"))
    expect(await laptop.db.blobOrphans.count()).toBe(0)
    await laptop.engine.syncOnce()
    clock.advance(days(31))
    await laptop.notes.deleteForever(third)
    await laptop.engine.syncOnce()
    const deletedAt = clock.now()
    expect((await laptop.db.blobOrphans.toArray()).every((row) => row.since === deletedAt)).toBe(true)

    clock.advance(days(29))
    expect(await laptop.engine.collectChunks()).toEqual({ kind: "nothing-due" })
    expect(await onServer(laptop, a.chunks)).toEqual([200, 200])
    clock.advance(days(1) + 1)
    await laptop.engine.syncOnce()
    for (const id of a.chunks) expect(await serverBlobStatus(laptop, id)).toEqual({ status: 404, tag: "BlobNotFound" })
    expect(await laptop.db.blobs.count()).toBe(0)
    expect(await laptop.db.blobOrphans.count()).toBe(0)
    expect(laptop.engine.current.state).toBe("idle")
  })

  it("a trashed note keeps its file: after 30 days it still reads, here and on another device", async () => {
    const { clock, laptop } = await masterWithClock()
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(phone)
    const bytes = fileBytes(300_000, 5)
    const id = await laptop.notes.create({ title: "receipt" })
    const manifest = await laptop.files.add(id, fileOf(bytes, "receipt.pdf", "application/pdf"))
    await laptop.engine.syncOnce()
    await laptop.notes.trash(id)
    await laptop.engine.syncOnce()
    clock.advance(days(60))
    await laptop.engine.syncOnce()
    expect(await laptop.db.blobOrphans.count()).toBe(0)
    expect(sha256Hex(await readBack(laptop, manifest))).toBe(sha256Hex(bytes))

    await phone.engine.syncOnce()
    expect((await phone.store.read(id))?.trashed).toBe(true)
    const [listed] = await attachmentsOfNote(phone, id)
    await phone.files.want(listed!.chunks)
    await phone.engine.syncOnce()
    expect(sha256Hex(await readBack(phone, listed!))).toBe(sha256Hex(bytes))
  })

  it("nothing is removed while another device reports a change it could not read; once it clears, the chunk goes", async () => {
    const { clock, laptop } = await masterWithClock()
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(phone)
    const id = await laptop.notes.create({ title: "scan" })
    const manifest = await laptop.files.add(id, fileOf(fileBytes(5000, 8), "scan.png"))
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    // The phone holds a change it could not read (as a newer app's or a damaged one would be).
    const quarantined = await phone.db.quarantine.add({ seq: 1, data: new Uint8Array([1, 2, 3]), reason: "unreadable", at: 0 })
    await phone.engine.syncOnce()
    await phone.engine.syncOnce()

    await laptop.notes.deleteForever(id)
    await laptop.engine.syncOnce()
    clock.advance(days(31))
    const held = await laptop.engine.collectChunks()
    expect(held).toMatchObject({ kind: "held", reason: expect.stringMatching(/reports 1 change/) })
    await laptop.engine.syncOnce()
    expect(await onServer(laptop, manifest.chunks)).toEqual([200])
    expect(await laptop.db.blobs.count()).toBe(1)

    await phone.db.quarantine.delete(quarantined)
    await phone.engine.syncOnce()
    await phone.engine.syncOnce()
    await laptop.engine.syncOnce()
    clock.advance(heldRetryMs)
    await laptop.engine.syncOnce()
    expect(await serverBlobStatus(laptop, manifest.chunks[0]!)).toEqual({ status: 404, tag: "BlobNotFound" })
  })

  it("the master holds off while it holds an unreadable change itself, or an update waiting on a missing one", async () => {
    const { clock, laptop } = await masterWithClock()
    const id = await laptop.notes.create({ title: "x" })
    const manifest = await laptop.files.add(id, fileOf(fileBytes(100, 2), "x.png"))
    const other = await laptop.notes.create({ title: "other" })
    await laptop.engine.syncOnce()
    await laptop.notes.deleteForever(id)
    await laptop.engine.syncOnce()
    clock.advance(days(31))

    const quarantined = await laptop.db.quarantine.add({ seq: 1, data: new Uint8Array([9]), reason: "unreadable", at: 0 })
    expect(await laptop.engine.collectChunks()).toMatchObject({ kind: "held", reason: expect.stringMatching(/could not read/) })
    await laptop.db.quarantine.delete(quarantined)
    clock.advance(heldRetryMs)
    await laptop.db.docs.update(other, { pending: new Uint8Array([1]) })
    expect(await laptop.engine.collectChunks()).toMatchObject({ kind: "held", reason: expect.stringMatching(/missing|not received/) })
    expect(await onServer(laptop, manifest.chunks)).toEqual([200])

    await laptop.db.docs.update(other, (row) => void delete (row as { pending?: Uint8Array }).pending)
    clock.advance(heldRetryMs)
    expect(await laptop.engine.collectChunks()).toEqual({ kind: "collected", removed: manifest.chunks })
    expect(await onServer(laptop, manifest.chunks)).toEqual([404])
  })

  it("a file added again on another device while the master deletes its chunk gets the chunk back from the master", async () => {
    const { clock, laptop } = await masterWithClock()
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(phone)
    const bytes = fileBytes(4000, 12)
    const id = await laptop.notes.create({ title: "first time" })
    const manifest = await laptop.files.add(id, fileOf(bytes, "again.png"))
    await laptop.engine.syncOnce()
    await laptop.notes.deleteForever(id)
    await laptop.engine.syncOnce()
    clock.advance(days(31))

    // The phone adds the same bytes: the server still has the chunk, so the phone does not send it.
    const again = await phone.notes.create({ title: "second time" })
    await phone.files.add(again, fileOf(bytes, "again.png"))
    await phone.engine.uploadChunks()
    expect(await phone.db.blobUploads.count()).toBe(0)
    // The master deletes it, and the phone's note names it just after.
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
    const racing = {
      ...api,
      deleteBlob: async (blobId: string) => {
        const deleted = await api.deleteBlob(blobId)
        await phone.engine.pushAll()
        return deleted
      }
    }
    const engine = new SyncEngine(laptop.db, laptop.store, racing, await workspaceKeyOf(credentials))
    await engine.syncOnce()
    expect(await laptop.db.blobOrphans.count()).toBe(0)
    expect(await laptop.db.blobUploads.count()).toBe(1)
    await engine.syncOnce()
    expect(await onServer(laptop, manifest.chunks)).toEqual([200])
    const [listed] = await attachmentsOfNote(laptop, again)
    expect(sha256Hex(await readBack(laptop, listed!))).toBe(sha256Hex(bytes))
  })

  it("a device that is not the master never removes a chunk, however old", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const clock = testClock()
    const phone = await withClock(await joinDevice(await shareLinkFrom(laptop), "phone"), clock.now)
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "old" })
    const manifest = await laptop.files.add(id, fileOf(fileBytes(2000, 4), "old.png"))
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    await phone.files.want(manifest.chunks)
    await phone.engine.syncOnce()
    await laptop.notes.deleteForever(id)
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    expect((await phone.db.blobOrphans.toArray()).map((row) => row.id)).toEqual(manifest.chunks)

    clock.advance(days(90))
    expect(await phone.engine.collectChunks()).toEqual({ kind: "not-master" })
    await phone.engine.syncOnce()
    expect(await onServer(phone, manifest.chunks)).toEqual([200])
    expect(await phone.db.blobs.count()).toBe(1)
  })
})
