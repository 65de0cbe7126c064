/**
 * Two tabs of one device, each with its sync worker (WorkerRelay): the leading worker answers
 * its own tab directly and the other through the sync channel, over a real engine and server.
 */
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { openSyncChannel, broadcastStop, type TabUpdate } from "../src/sync/SyncChannel.js"
import type { SyncEngine } from "../src/sync/SyncEngine.js"
import { WorkerRelay } from "../src/sync/WorkerRelay.js"
import { createDevice, engineOver, eventually, joinDevice } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("the sync workers of two tabs", () => {
  const server = serverPerSuite()

  it("pass a tab's requests to the leader, and the leader's status and arrivals to both tabs", async () => {
    const laptop = await createDevice(server.url)
    const phone = await joinDevice(await shareLinkFrom(laptop))
    server.track(laptop, phone)
    const { workspaceId } = (await readMeta(phone.db, "workspace"))!
    const tab = () => {
      const updates: Array<TabUpdate> = []
      const stopped: Array<SyncEngine | undefined> = []
      const relay = new WorkerRelay(
        (onMessage) => openSyncChannel(workspaceId, onMessage),
        (update) => updates.push(update),
        (engine) => stopped.push(engine)
      )
      return { updates, stopped, relay }
    }
    const leading = tab()
    const waiting = tab()
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
      leading.relay.close()
      waiting.relay.close()
      await engine.stop()
    }
  })
})
