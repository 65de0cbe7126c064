/**
 * Two tabs of one device, each with its sync worker (WorkerRelay): the leading worker answers
 * its own tab directly and the other through the sync channel, over a real engine and server.
 */
import { describe, expect, it } from "vitest"
import type { AttachmentManifest } from "@quire/schema"
import { Attachments } from "../src/attachments/Attachments.js"
import { readMeta } from "../src/data/Meta.js"
import { openSyncChannel, broadcastStop, type TabUpdate } from "../src/sync/SyncChannel.js"
import type { SyncEngine } from "../src/sync/SyncEngine.js"
import { WorkerRelay } from "../src/sync/WorkerRelay.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, engineOver, eventually, joinDevice } from "./support/Device.js"
import { fileBytes, fileOf } from "./support/Files.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

/** A tab's sync worker, as far as its relay goes: what it tells the tab, and the engine it was told to stop. */
const tabOf = (workspaceId: string) => {
  const updates: Array<TabUpdate> = []
  const stopped: Array<SyncEngine | undefined> = []
  const relay = new WorkerRelay(
    (onMessage) => openSyncChannel(workspaceId, onMessage),
    (update) => updates.push(update),
    (engine) => stopped.push(engine)
  )
  return { updates, stopped, relay }
}

describe("the sync workers of two tabs", () => {
  const server = serverPerSuite()

  it("pass a tab's requests to the leader, and the leader's status and arrivals to both tabs", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop))
    server.track(laptop, phone)
    const { workspaceId } = (await readMeta(phone.db, "workspace"))!
    const leading = tabOf(workspaceId)
    const waiting = tabOf(workspaceId)
    const engine = await engineOver(phone)
    try {
      leading.relay.lead(engine)
      expect(leading.updates).toEqual([{ _tag: "Status", status: engine.current }])

      // The waiting tab asks for the status; only the leader has one to give.
      waiting.relay.fromTab({ _tag: "StatusRequest" })
      await eventually(() => waiting.updates.some((update) => update._tag === "Status"), 5_000, "the leader's status in the waiting tab")
      expect(leading.updates).toHaveLength(1)

      // An edit saved in the waiting tab is pushed by the leader at once, not at its next long-poll.
      engine.start()
      const written = await phone.notes.create({ title: "From the waiting tab" })
      waiting.relay.fromTab({ _tag: "LocalChange" })
      await eventually(
        async () => {
          await laptop.engine.syncOnce()
          return (await laptop.notes.read(written)) !== undefined
        },
        5_000,
        "the waiting tab's note on the laptop"
      )

      // Another device's edit: the leader hands it to both tabs before storing it.
      const id = await laptop.notes.create({ title: "From the laptop" })
      await laptop.engine.syncOnce()
      const arrivedIn = (updates: ReadonlyArray<TabUpdate>) =>
        updates.some((update) => update._tag === "Arrived" && update.entries.some((entry) => entry.docId === id))
      await eventually(() => arrivedIn(leading.updates) && arrivedIn(waiting.updates), 5_000, "the laptop's note in both tabs")

      // Leaving the workspace stops every worker, the leader with its engine.
      broadcastStop(workspaceId)
      await eventually(() => leading.stopped.length + waiting.stopped.length === 2, 5_000, "both workers told to stop")
      expect(leading.stopped).toEqual([engine])
      expect(waiting.stopped).toEqual([undefined])
    } finally {
      // The engine first: stopping, it tells the relays its last status.
      await engine.stop()
      leading.relay.close()
      waiting.relay.close()
    }
  })

  it("hand the leader the chunks each tab stores: its own tab's with their Blobs, another tab's as a change to look for", async () => {
    const phone = await createDevice(server.url)
    server.track(phone)
    const credentials = (await readMeta(phone.db, "workspace"))!
    const leading = tabOf(credentials.workspaceId)
    const waiting = tabOf(credentials.workspaceId)
    const engine = await engineOver(phone)
    const read = phone.db.blobs.get.bind(phone.db.blobs)
    let reads = 0
    phone.db.blobs.get = ((key: string) => {
      reads += 1
      return read(key)
    }) as typeof phone.db.blobs.get
    // Each tab's attachments, wired as the app wires them (App.tsx): stored chunks go to the tab's own worker.
    const filesOf = async (tab: ReturnType<typeof tabOf>) =>
      new Attachments(
        phone.store,
        await workspaceKeyOf(credentials),
        () => {},
        (chunks) => tab.relay.fromTab({ _tag: "ChunksStored", chunks })
      )
    const uploaded = async (manifest: AttachmentManifest) =>
      (await phone.db.blobUploads.where("fileId").equals(manifest.fileId).count()) === 0 && (await phone.db.outbox.count()) === 0
    try {
      leading.relay.lead(engine)
      engine.start()
      const id = await phone.notes.create({ title: "scans" })
      const own = await (await filesOf(leading)).add(id, fileOf(fileBytes(3 * 1024 * 1024, 21), "own.png"))
      await eventually(() => uploaded(own), 10_000, "the leading tab's file uploaded")
      expect(reads).toBe(0)
      // A Blob does not cross the channel: the leader is told to look, and reads the chunks it finds.
      const other = await (await filesOf(waiting)).add(id, fileOf(fileBytes(2 * 1024 * 1024, 22), "other.png"))
      await eventually(() => uploaded(other), 10_000, "the waiting tab's file uploaded")
      expect(reads).toBe(2)
    } finally {
      // The engine first: stopping, it tells the relays its last status.
      await engine.stop()
      leading.relay.close()
      waiting.relay.close()
    }
  })
})
