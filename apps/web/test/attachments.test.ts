/**
 * Attachments between two devices against the real server: chunked, sealed, content-addressed,
 * uploaded before the note's change, read back byte for byte on the other device.
 */
import { freePort, spawnServer, type SpawnedServer } from "@quire/server/testing"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { bytesOfChunk } from "../src/attachments/StoredChunk.js"
import { readMeta } from "../src/data/Meta.js"
import { createDevice, engineOver, eventually, joinDevice, type Device } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { fileBytes, fileOf, readBack, sha256Hex } from "./support/Files.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const urlOf = (input: RequestInfo | URL) => (input instanceof Request ? input.url : input instanceof URL ? input.href : input)

const isBlobPut = (input: RequestInfo | URL, init: RequestInit | undefined) =>
  (init?.method ?? (input instanceof Request ? input.method : "GET")) === "PUT" && urlOf(input).includes("/blobs/")

/**
 * Lets `passing` chunk uploads through and holds every later one until `release`: a test can
 * then stop the server with an upload surely under way, however fast the uploads go.
 */
const holdBlobPutsAfter = (passing: number) => {
  const original = globalThis.fetch
  let opened: () => void = () => {}
  const gate = new Promise<void>((resolve) => (opened = resolve))
  let started = 0
  const held = {
    passed: 0,
    release: () => {
      opened()
      globalThis.fetch = original
    }
  }
  globalThis.fetch = async (input, init) => {
    if (!isBlobPut(input, init)) return original(input, init)
    if (started++ >= passing) await gate
    const answer = await original(input, init)
    held.passed += 1
    return answer
  }
  return held
}

/** Counts the requests that store chunks, whatever sends them. */
const countBlobPuts = () => {
  const original = globalThis.fetch
  const counter = { puts: 0, restore: () => void (globalThis.fetch = original) }
  globalThis.fetch = (input, init) => {
    if (isBlobPut(input, init)) counter.puts += 1
    return original(input, init)
  }
  return counter
}

describe("attachments between two devices", () => {
  const server = serverPerSuite()
  let counter: ReturnType<typeof countBlobPuts> | undefined
  afterEach(() => counter?.restore())

  it("a 5 MB file added on one device reads back on the other with an equal SHA-256, and the server holds no plaintext of it", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const bytes = fileBytes(5 * 1024 * 1024 + 123, 42)
    const id = await laptop.notes.create({ title: "Holiday photos" })
    const progress: Array<number> = []
    const manifest = await laptop.files.add(id, fileOf(bytes, "beach.png"), (done) => progress.push(done))
    expect(manifest).toMatchObject({ name: "beach.png", type: "image/png", size: bytes.length, sha256: sha256Hex(bytes) })
    expect(manifest.chunks).toHaveLength(6)
    expect(progress.at(-1)).toBe(bytes.length)
    // The note's creation was written frozen to be pushed at once; the file's change waits for
    // its chunks, and the round sends the chunks first.
    expect(await laptop.db.outbox.count()).toBe(2)
    await laptop.engine.pushAll()
    expect(await laptop.db.outbox.count()).toBe(1)
    expect(await laptop.db.blobUploads.count()).toBe(6)
    await laptop.engine.syncOnce()
    expect(await laptop.db.blobUploads.count()).toBe(0)
    expect(await laptop.db.outbox.count()).toBe(0)

    await phone.engine.syncOnce()
    const onPhone = await phone.store.read(id)
    expect(onPhone?.title).toBe("Holiday photos")
    const [listed] = await phone.db.attachments.where("noteId").equals(id).toArray()
    expect(listed).toMatchObject({ fileId: manifest.fileId, sha256: manifest.sha256 })
    expect((await phone.db.notes.get(id))?.attachments).toBe(1)
    expect(await phone.files.read(listed!)).toEqual({ kind: "missing", ids: manifest.chunks })
    await phone.files.want(manifest.chunks)
    await phone.engine.syncOnce()
    expect(sha256Hex(await readBack(phone, listed!))).toBe(sha256Hex(bytes))

    // The server's store: every chunk sealed, none holding a run of the file's bytes.
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const response = await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/backup`, {
      headers: { authorization: `Bearer ${credentials.token}` }
    })
    const backup = Buffer.from(new Uint8Array(await response.arrayBuffer()))
    expect(backup.length).toBeGreaterThan(bytes.length)
    for (const offset of [0, 1024 * 1024 + 7, bytes.length - 64]) {
      expect(backup.includes(Buffer.from(bytes.buffer, offset, 32))).toBe(false)
    }
  })

  it("the same file added twice is stored once and uploaded once", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const bytes = fileBytes(2 * 1024 * 1024 + 5, 7)
    const first = await laptop.notes.create({ title: "one" })
    const second = await laptop.notes.create({ title: "two" })
    counter = countBlobPuts()
    const a = await laptop.files.add(first, fileOf(bytes, "a.bin", "application/octet-stream"))
    await laptop.engine.syncOnce()
    expect(counter.puts).toBe(3)
    const b = await laptop.files.add(second, fileOf(bytes, "b.bin", "application/octet-stream"))
    expect(b.chunks).toEqual(a.chunks)
    expect(b.fileId).not.toBe(a.fileId)
    expect(await laptop.db.blobs.count()).toBe(3)
    await laptop.engine.syncOnce()
    expect(counter.puts).toBe(3)
    expect(await laptop.db.blobUploads.count()).toBe(0)
    expect(await laptop.db.outbox.count()).toBe(0)
  })

  it("a file's chunks handed over as they are stored go up without being read back; those past the hand-over's bound are read from the queue", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const bytes = fileBytes(18 * 1024 * 1024, 12)
    const id = await laptop.notes.create({ title: "recording" })
    const manifest = await laptop.files.add(id, fileOf(bytes, "talk.m4a", "audio/mp4"))
    const read = laptop.db.blobs.get.bind(laptop.db.blobs)
    const readIds: Array<unknown> = []
    laptop.db.blobs.get = ((key: string) => {
      readIds.push(key)
      return read(key)
    }) as typeof laptop.db.blobs.get
    await laptop.engine.syncOnce()
    // Sixteen are kept with their Blobs; the other two are read when their turn comes.
    expect(readIds).toHaveLength(2)
    expect(await laptop.db.blobUploads.count()).toBe(0)
    expect(await laptop.db.outbox.count()).toBe(0)
    await phone.engine.syncOnce()
    await phone.files.want(manifest.chunks)
    await phone.engine.syncOnce()
    expect(sha256Hex(await readBack(phone, manifest))).toBe(sha256Hex(bytes))
  })

  it("a chunk altered on the server is refused with a typed reason, kept wanted, and never stored", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "scan" })
    const manifest = await laptop.files.add(id, fileOf(fileBytes(1000, 3), "scan.png"))
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    // Replace the stored chunk with other sealed bytes of the right shape, as a hostile server could.
    const [chunkId] = manifest.chunks
    const stored = await bytesOfChunk((await laptop.db.blobs.get(chunkId!))!.data)
    const tampered = stored.slice()
    tampered[tampered.length - 1]! ^= 0xff
    const original = globalThis.fetch
    globalThis.fetch = async (input, init) => {
      if (urlOf(input).includes(`/blobs/${chunkId}`))
        return new Response(tampered, { headers: { "content-type": "application/octet-stream" } })
      return original(input, init)
    }
    try {
      await phone.files.want(manifest.chunks)
      await phone.engine.syncOnce()
    } finally {
      globalThis.fetch = original
    }
    expect(await phone.db.blobs.count()).toBe(0)
    const want = await phone.db.blobWants.get(chunkId!)
    expect(want?.error).toMatch(/damaged/)
    expect(await phone.files.read(manifest)).toEqual({ kind: "missing", ids: [chunkId] })
    // A chunk damaged on the device itself is found when read, never shown as the file.
    await phone.db.blobs.put({ id: chunkId!, data: tampered })
    expect(await phone.files.read(manifest)).toMatchObject({ kind: "damaged", ids: [chunkId] })
    // Fetched again (the damaged copy dropped), once the server answers honestly, it arrives.
    await phone.files.refetch([chunkId!])
    await phone.engine.syncOnce()
    expect(await readBack(phone, manifest)).toEqual(fileBytes(1000, 3))
  })

  it("a manifest whose chunks are not uploaded yet reaches no other device; a missing chunk says so and is tried again", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "plan" })
    await laptop.engine.syncOnce()
    await laptop.files.add(id, fileOf(fileBytes(3000, 9), "plan.pdf", "application/pdf"))
    await laptop.notes.setTitle(id, "plan, with the file")
    // Push the change alone: it waits for its chunks, with the later edit folded into it.
    await laptop.engine.pushAll()
    expect(await laptop.db.outbox.count()).toBe(1)
    await phone.engine.syncOnce()
    expect((await phone.store.read(id))?.title).toBe("plan")
    expect(await phone.db.attachments.count()).toBe(0)
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    expect((await phone.store.read(id))?.title).toBe("plan, with the file")
    // Nor does a compaction carry it early: its snapshot would hold the unpushed manifest.
    const later = await laptop.files.add(id, fileOf(fileBytes(500, 4), "later.pdf", "application/pdf"))
    await laptop.engine.compactDocument(id)
    await phone.engine.pullAll()
    expect((await phone.db.attachments.toArray()).map((row) => row.fileId)).not.toContain(later.fileId)
    // Asking for a chunk the server lacks leaves a reason and a later try, never an error that stops sync.
    await phone.files.want(["AAAAAAAAAAAAAAAAAAAAAA"])
    await phone.engine.syncOnce()
    expect((await phone.db.blobWants.get("AAAAAAAAAAAAAAAAAAAAAA"))?.error).toMatch(/Not on the server yet/)
    expect(phone.engine.current.state).toBe("idle")
  })
})

describe("a chunk removed from the server after the device was told it was there", () => {
  const server = serverPerSuite()

  it("is sent again before the change that names it", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "contract" })
    const bytes = fileBytes(1500, 8)
    const manifest = await laptop.files.add(id, fileOf(bytes, "contract.pdf", "application/pdf"))
    await laptop.engine.uploadChunks()
    // As the master does with a chunk unreferenced for 30 days, between this device's upload and its push.
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const removed = await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/blobs/${manifest.chunks[0]}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${credentials.token}` }
    })
    expect(removed.status).toBe(204)
    await laptop.engine.syncOnce()
    expect(await laptop.db.outbox.count()).toBe(0)
    await phone.engine.syncOnce()
    await phone.files.want(manifest.chunks)
    await phone.engine.syncOnce()
    expect(await readBack(phone, manifest)).toEqual(bytes)
  })
})

describe("a chunk lost on the device before it was uploaded", () => {
  const server = serverPerSuite()

  it("is reported on its file, and does not hold the note's edits back for good", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const id = await laptop.notes.create({ title: "receipt" })
    const manifest = await laptop.files.add(id, fileOf(fileBytes(800, 6), "receipt.png"))
    await laptop.db.blobs.clear()
    // After a restart: the engine that was handed the chunk as it was stored would still upload it.
    const restarted = await engineOver(laptop)
    await restarted.syncOnce()
    await restarted.stop()
    const [row] = await laptop.db.blobUploads.toArray()
    expect(row).toMatchObject({ id: manifest.chunks[0], error: expect.stringMatching(/no longer on this device/) as unknown })
    expect(await laptop.db.outbox.count()).toBe(0)
  })
})

describe("attachments past the workspace quota", () => {
  const server = serverPerSuite({ WORKSPACE_QUOTA_BYTES: String(3 * 1024 * 1024) })

  it("say so on the file that did not fit, keep its chunks and its note's change, and let every other note sync", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const big = await laptop.notes.create({ title: "with a big file" })
    await laptop.files.add(big, fileOf(fileBytes(4 * 1024 * 1024, 5), "big.mov", "video/quicktime"))
    const other = await laptop.notes.create({ title: "an ordinary note" })
    await laptop.engine.syncOnce()

    const waiting = await laptop.db.blobUploads.toArray()
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.every((row) => row.noteId === big)).toBe(true)
    expect(waiting.every((row) => /would use more than/.test(row.error ?? ""))).toBe(true)
    expect(laptop.engine.current).toMatchObject({ state: "error", lastError: { kind: "quota" } })
    expect(laptop.engine.current.pendingChunks).toBe(waiting.length)
    // A later round, before the chunk's next try, still says why it is not synced.
    await laptop.notes.setTitle(other, "an ordinary note, edited")
    await laptop.engine.syncOnce()
    expect(laptop.engine.current).toMatchObject({ state: "error", lastError: { kind: "quota" } })
    // The change adding the file waits on this device (the note's creation went before it); the other note went.
    expect((await laptop.db.outbox.toArray()).map((entry) => entry.docId)).toEqual([big])
    await phone.engine.syncOnce()
    expect((await phone.store.read(other))?.title).toBe("an ordinary note, edited")
    expect((await phone.store.read(big))?.title).toBe("with a big file")
    expect(await phone.db.attachments.where("noteId").equals(big).count()).toBe(0)
  })
})

describe("attachments when the server dies during the upload", () => {
  let dataDir: string
  let server: SpawnedServer | undefined
  const devices: Array<Device> = []
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "quire-web-"))
  })
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()))
    await server?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it("loses nothing: the chunks wait on the device, go up after the restart, and the other device reads the file", async () => {
    const port = String(await freePort())
    server = await spawnServer({ DATA_DIR: dataDir, PORT: port })
    const options = { backoff: { initialMs: 100, maxMs: 500 } }
    const laptop = await createDevice(server.url, "laptop", options)
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone", options)
    devices.push(laptop, phone)
    const bytes = fileBytes(12 * 1024 * 1024, 11)
    const id = await laptop.notes.create({ title: "video" })
    const manifest = await laptop.files.add(id, fileOf(bytes, "clip.mp4", "video/mp4"))
    const puts = holdBlobPutsAfter(3)
    laptop.engine.start()
    await eventually(() => puts.passed === 3, 20_000, "three chunks stored on the server")
    server.process.kill("SIGKILL")
    await server.exited
    // The uploads held meanwhile now meet a server that is gone.
    puts.release()
    await eventually(() => laptop.engine.current.state === "offline", 20_000, "the laptop to notice")
    expect(laptop.engine.current.pendingChunks).toBeGreaterThan(0)

    server = await spawnServer({ DATA_DIR: dataDir, PORT: port })
    laptop.engine.kick()
    await eventually(
      async () => (await laptop.db.blobUploads.count()) === 0 && (await laptop.db.outbox.count()) === 0,
      30_000,
      "the chunks and the note to go up"
    )
    await phone.engine.syncOnce()
    const [listed] = await phone.db.attachments.where("noteId").equals(id).toArray()
    await phone.files.want(listed!.chunks)
    await phone.engine.syncOnce()
    const read = await phone.files.read(manifest)
    expect(read.kind).toBe("ready")
    expect(sha256Hex(new Uint8Array(await (read as { blob: Blob }).blob.arrayBuffer()))).toBe(sha256Hex(bytes))
  })
})
