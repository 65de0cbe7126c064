/**
 * A workspace far larger than one request: with the server's body limit at 1 MiB, 21 MiB of
 * notes push, compact document by document, and reach a new device in bounded pages.
 */
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { makeSyncApi, type SyncApi } from "../src/sync/SyncApi.js"
import { SyncEngine } from "../src/sync/SyncEngine.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, joinDevice, notesOf } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { storedChanges, workspaceInfo } from "./support/RawApi.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const maxBodyBytes = 1024 * 1024

/** Text that is not one repeated letter: every note different, nothing trivially small. */
const bodyOf = (note: number, bytes: number) => {
  let out = ""
  let x = note + 1
  while (out.length < bytes) {
    x = (x * 1103515245 + 12345) % 2147483648
    out += `${x.toString(36)} `
  }
  return out.slice(0, bytes)
}

describe("a 21 MiB workspace behind a 1 MiB body limit", () => {
  const server = serverPerSuite({ MAX_BODY_BYTES: String(maxBodyBytes), WORKSPACE_QUOTA_BYTES: String(256 * 1024 * 1024) })

  it("pushes, compacts note by note, and a new device gets every note in pages within the limit", async () => {
    const laptop = await createDevice(server.url, "laptop", { compaction: { minTail: 2, quietMs: 0 } })
    server.track(laptop)
    const ids: Array<string> = []
    for (let i = 0; i < 100; i++) ids.push(await laptop.notes.create({ title: `big ${i}`, body: bodyOf(i, 210 * 1024) }))
    await laptop.engine.syncOnce()
    expect((await workspaceInfo(laptop)).bytesUsed).toBeGreaterThan(20 * 1024 * 1024)
    for (let round = 0; round < 2; round++) {
      for (const id of ids) await laptop.notes.setTitle(id, `${(await laptop.notes.read(id))!.title}!`)
      await laptop.engine.pushAll()
    }
    await laptop.engine.syncOnce()
    await laptop.engine.syncOnce()
    const stored = await storedChanges(laptop)
    expect(stored.filter((c) => c.kind === "snapshot")).toHaveLength(100)
    expect(stored).toHaveLength(100)

    const pages: Array<number> = []
    const tablet = await joinDevice(await shareLinkFrom(laptop), "tablet")
    server.track(tablet)
    const credentials = (await readMeta(tablet.db, "workspace"))!
    const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
    const measured: SyncApi = {
      ...api,
      pull: async (...args) => {
        const page = await api.pull(...args)
        if (page._tag === "Right") pages.push(page.right.changes.reduce((sum, c) => sum + c.data.length, 0))
        return page
      }
    }
    await new SyncEngine(tablet.db, tablet.store, measured, await workspaceKeyOf(credentials)).syncOnce()
    expect(pages.length).toBeGreaterThan(20)
    // Base64 makes a page's JSON 4/3 of its data: every page fits the body limit.
    for (const bytes of pages) expect((bytes * 4) / 3).toBeLessThan(maxBodyBytes)
    expect(await notesOf(tablet)).toEqual(await notesOf(laptop))
  }, 180_000)
})
