/** The server backup from the device's side: streamed download with progress, streamed restore into a new workspace. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { downloadBackup } from "../src/sync/BackupTransfer.js"
import { restoreWorkspace } from "../src/sync/Workspace.js"
import { createDevice, freshRegistry, notesOf } from "./support/Device.js"
import { DocStore } from "../src/data/DocStore.js"
import { SyncEngine } from "../src/sync/SyncEngine.js"
import { makeSyncApi } from "../src/sync/SyncApi.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("server backup and restore", () => {
  const server = serverPerSuite()

  it("downloads the backup with progress and restores it as a new workspace that holds every note", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    for (let i = 0; i < 30; i++) await laptop.notes.create({ title: `kept ${i}`, body: "x".repeat(2000 * i) })
    await laptop.engine.syncOnce()
    const credentials = (await readMeta(laptop.db, "workspace"))!

    const progress: Array<number> = []
    const backup = Either.getOrThrow(await downloadBackup(credentials, (bytes) => progress.push(bytes)))
    expect(backup.size).toBeGreaterThan(30 * 1000)
    expect(progress.at(-1)).toBe(backup.size)

    const registry = freshRegistry("restored")
    const restored = Either.getOrThrow(await restoreWorkspace(registry, server.url, backup, credentials.workspaceKey))
    expect(restored.credentials.workspaceId).not.toBe(credentials.workspaceId)
    const key = await workspaceKeyOf(restored.credentials)
    const store = new DocStore(restored.db, key)
    const api = makeSyncApi(restored.credentials.serverUrl, restored.credentials.token, restored.credentials.workspaceId)
    await new SyncEngine(restored.db, store, api, key).syncOnce()
    const notes = new NoteRepository(store)
    const rows = await restored.db.notes.orderBy("id").toArray()
    expect(await Promise.all(rows.map((row) => notes.read(row.id)))).toEqual(await notesOf(laptop))
  })

  it("refuses a file that is not a backup with a clear error, and opens no workspace", async () => {
    const registry = freshRegistry("garbage")
    const result = await restoreWorkspace(registry, server.url, new Blob(["PK\u0003\u0004 not a backup"]), "A".repeat(43))
    expect(Either.isLeft(result) && result.left.message).toMatch(/not a Quire backup/)
    expect(await registry.current()).toBeUndefined()
  })
})
