import { freePort, spawnServer, type SpawnedServer } from "@quire/server/testing"
import { readdir, readFile, mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { createDevice, eventually, joinDevice, notesOf, type Device } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const tempDir = () => mkdtemp(path.join(tmpdir(), "quire-web-"))

const filesUnder = async (dir: string): Promise<Array<string>> => {
  const out: Array<string> = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await filesUnder(full)))
    else out.push(full)
  }
  return out
}

describe("a device against a server that dies mid-push", () => {
  let dataDir: string
  let server: SpawnedServer | undefined
  const devices: Array<Device> = []

  beforeAll(async () => {
    dataDir = await tempDir()
  })
  afterAll(async () => {
    await Promise.all(devices.map((d) => d.close()))
    await server?.stop()
    await rm(dataDir, { recursive: true, force: true })
  })

  it("loses nothing and duplicates nothing when the server is killed and restarted", async () => {
    const port = String(await freePort())
    server = await spawnServer({ DATA_DIR: dataDir, PORT: port })
    const laptop = await createDevice(server.url, "laptop", { batchMaxChanges: 50, backoff: { initialMs: 100, maxMs: 500 } })
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    devices.push(laptop, phone)
    const ids: Array<string> = []
    // 400 notes: 400 outbox entries, since only edits of one note fold together.
    for (let i = 0; i < 400; i++) ids.push(await laptop.notes.create({ title: `survivor ${i}`, body: `body ${i}` }))

    laptop.engine.start()
    // Kill the server as soon as the first batches are acknowledged, with more still in flight.
    await eventually(async () => (await laptop.db.outbox.count()) < 400, 20_000, "a first acknowledged batch")
    server.process.kill("SIGKILL")
    await server.exited
    await eventually(() => laptop.engine.current.state === "offline", 20_000, "the laptop to notice")
    expect(laptop.engine.current.lastError?.kind).toBe("network")
    expect(laptop.engine.current.pending).toBeGreaterThan(0)

    server = await spawnServer({ DATA_DIR: dataDir, PORT: port })
    laptop.engine.kick()
    await eventually(
      async () => (await laptop.db.outbox.count()) === 0 && laptop.engine.current.state === "idle",
      30_000,
      "the outbox to drain"
    )

    const info = await fetch(`${server.url}/api/v1/workspaces/${(await readMeta(laptop.db, "workspace"))!.workspaceId}`, {
      headers: { authorization: `Bearer ${(await readMeta(laptop.db, "workspace"))!.token}` }
    }).then((r) => r.json() as Promise<{ headSeq: number }>)
    // Exactly one seq per local change: nothing stored twice, nothing missing.
    expect(info.headSeq).toBe(400)

    await phone.engine.syncOnce()
    expect(await notesOf(phone)).toEqual(await notesOf(laptop))
    expect((await phone.notes.read(ids[399]!))?.body).toBe("body 399")
  })
})

describe("devices over time", () => {
  const server = serverPerSuite()

  it("a revoked device stops with a clear auth error and keeps its notes", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const id = await laptop.notes.create({ title: "shared", body: "before revoke" })
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    await phone.notes.setBody(id, "written after being removed")

    const credentials = (await readMeta(laptop.db, "workspace"))!
    const auth = { authorization: `Bearer ${credentials.token}` }
    const listed = (await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/devices`, { headers: auth }).then((r) =>
      r.json()
    )) as { devices: Array<{ tokenId: string; role: string }> }
    const phoneToken = listed.devices.find((d) => d.role === "device")!.tokenId
    await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/devices/${phoneToken}`, { method: "DELETE", headers: auth })

    phone.engine.start()
    await eventually(() => phone.engine.current.state === "error", 10_000, "the phone to stop")
    expect(phone.engine.current.lastError).toMatchObject({ kind: "auth", tag: "TokenRevoked" })
    expect(phone.engine.current.lastError?.message).toMatch(/removed/)
    expect(phone.engine.current.pending).toBe(1)
    // Its data stays, including the edit the server never got.
    expect((await phone.notes.read(id))?.body).toBe("written after being removed")
    expect(await phone.db.outbox.count()).toBe(1)
  })

  it("the server holds no plaintext: not in any blob, not in its database files", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const title = "Zanzibar-secret-7431"
    const id = await laptop.notes.create({ title, body: `${title} in the body too`, tags: [title] })
    await laptop.notes.setTitle(id, `${title}!`)
    await laptop.engine.syncOnce()

    const credentials = (await readMeta(laptop.db, "workspace"))!
    const response = await fetch(`${server.url}/api/v1/workspaces/${credentials.workspaceId}/backup`, {
      headers: { authorization: `Bearer ${credentials.token}` }
    })
    const backup = Buffer.from(await response.arrayBuffer())
    expect(backup.length).toBeGreaterThan(100)
    const needle = Buffer.from(title)
    expect(backup.includes(needle)).toBe(false)
    expect(backup.includes(Buffer.from(title, "utf16le"))).toBe(false)

    let scanned = 0
    for (const file of await filesUnder(path.join(server.dataDir, "pg"))) {
      if ((await stat(file)).size > 64 * 1024 * 1024) continue
      scanned += 1
      expect((await readFile(file)).includes(needle), file).toBe(false)
    }
    expect(scanned).toBeGreaterThan(10)
    // While on the device the note is plain, as it should be.
    expect((await laptop.notes.read(id))?.title).toBe(`${title}!`)
  })
})
