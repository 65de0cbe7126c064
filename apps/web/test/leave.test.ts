/** Leaving a workspace: nothing is deleted before the person confirmed it, and nothing of it reaches the next one. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { countLeaveLosses, createWorkspace, leaveWorkspace } from "../src/sync/Workspace.js"
import { freshRegistry } from "./support/Device.js"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { serverPerSuite } from "./support/SuiteServer.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import Dexie from "dexie"
import { Attachments } from "../src/attachments/Attachments.js"

describe("leaving a workspace", () => {
  const server = serverPerSuite()

  const deviceWithRegistry = async () => {
    const registry = freshRegistry("leaver")
    const created = Either.getOrThrow(await createWorkspace(registry, server.url, "leaver"))
    const notes = new NoteRepository(new DocStore(created.db, await workspaceKeyOf(created.credentials)))
    return { registry, ...created, notes }
  }

  it("deletes nothing when more would be lost than the person confirmed, and says how much", async () => {
    const { registry, db, credentials, notes } = await deviceWithRegistry()
    const asked = await countLeaveLosses(db)
    expect(asked).toEqual({ unsynced: 0, unsyncedFiles: 0, localOnly: 0 })
    // An edit lands between the question and the answer.
    await notes.create({ title: "written while the dialog was open" })
    expect(await leaveWorkspace(registry, db, asked)).toEqual({ left: false, counts: { unsynced: 1, unsyncedFiles: 0, localOnly: 0 } })
    expect(await db.notes.count()).toBe(1)
    expect(await db.outbox.count()).toBe(1)
    expect(await registry.current()).toBe(credentials.workspaceId)
  })

  it("counts attached files not yet uploaded, and deletes nothing when one was added after the person confirmed", async () => {
    const { registry, db, credentials, notes } = await deviceWithRegistry()
    const id = await notes.create({ title: "with a file" })
    const asked = await countLeaveLosses(db)
    expect(asked).toEqual({ unsynced: 1, unsyncedFiles: 0, localOnly: 0 })
    const key = await workspaceKeyOf(credentials)
    const files = new Attachments(new DocStore(db, key), key)
    await files.add(id, new File([new Uint8Array(3000).fill(7)], "scan.pdf", { type: "application/pdf" }))
    const outcome = await leaveWorkspace(registry, db, asked)
    expect(outcome).toEqual({ left: false, counts: { unsynced: 1, unsyncedFiles: 1, localOnly: 0 } })
    expect(await db.blobs.count()).toBe(1)
    expect(await db.blobUploads.count()).toBe(1)
    expect(await leaveWorkspace(registry, db, await countLeaveLosses(db))).toEqual({ left: true })
  })

  it("removes the workspace's database once confirmed, and a workspace created next starts empty", async () => {
    const { registry, db, credentials, notes } = await deviceWithRegistry()
    await notes.create({ title: "old workspace's note" })
    expect(await leaveWorkspace(registry, db, await countLeaveLosses(db))).toEqual({ left: true })
    expect(await registry.current()).toBeUndefined()
    expect(await Dexie.exists(registry.databaseName(credentials.workspaceId))).toBe(false)

    const next = Either.getOrThrow(await createWorkspace(registry, server.url, "leaver again"))
    expect(next.credentials.workspaceId).not.toBe(credentials.workspaceId)
    expect(await next.db.notes.count()).toBe(0)
    expect(await next.db.outbox.count()).toBe(0)
    expect(await registry.current()).toBe(next.credentials.workspaceId)
  })

  it("keeps what exists only on this device unless the person agrees to drop it, apart from any new workspace", async () => {
    const { registry, db, credentials } = await deviceWithRegistry()
    await db.quarantine.add({ seq: 7, data: new Uint8Array([1, 2, 3]), reason: "unreadable", at: 0 })
    const counts = await countLeaveLosses(db)
    expect(counts).toEqual({ unsynced: 0, unsyncedFiles: 0, localOnly: 1 })
    expect(await leaveWorkspace(registry, db, counts)).toEqual({ left: true })
    expect(await registry.current()).toBeUndefined()
    const kept = registry.open(credentials.workspaceId)
    expect(await kept.quarantine.count()).toBe(1)
    expect(await kept.meta.count()).toBe(0)
    expect(await leaveWorkspace(registry, kept, await countLeaveLosses(kept), { dropLocalOnly: true })).toEqual({ left: true })
    expect(await Dexie.exists(registry.databaseName(credentials.workspaceId))).toBe(false)
  })
})
