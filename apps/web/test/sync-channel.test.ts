import { describe, expect, it } from "vitest"
import { openSyncChannel, syncChannelName, type SyncMessage } from "../src/sync/SyncChannel.js"
import { initialStatus } from "../src/sync/SyncStatus.js"

const nextMessage = (received: Array<SyncMessage>, count: number) =>
  new Promise<void>((resolve) => {
    const check = () => (received.length >= count ? resolve() : setTimeout(check, 5))
    check()
  })

describe("the sync channel between tabs and the sync worker", () => {
  it("carries typed status and requests between contexts", async () => {
    const received: Array<SyncMessage> = []
    const tab = openSyncChannel("ws-1", (message) => received.push(message))
    const worker = openSyncChannel("ws-1", (message) => {
      if (message._tag === "StatusRequest") worker.send({ _tag: "Status", status: { ...initialStatus, pending: 3, state: "syncing" } })
    })
    worker.send({
      _tag: "Status",
      status: { ...initialStatus, lastError: { kind: "auth", message: "This device was removed.", tag: "TokenRevoked" }, state: "error" }
    })
    tab.send({ _tag: "StatusRequest" })
    await nextMessage(received, 2)
    expect(received).toEqual([
      {
        _tag: "Status",
        status: { ...initialStatus, state: "error", lastError: { kind: "auth", message: "This device was removed.", tag: "TokenRevoked" } }
      },
      { _tag: "Status", status: { ...initialStatus, state: "syncing", pending: 3 } }
    ])
    tab.close()
    worker.close()
  })

  it("ignores messages that are not of the protocol, and other workspaces' channels", async () => {
    const received: Array<SyncMessage> = []
    const tab = openSyncChannel("ws-2", (message) => received.push(message))
    const stranger = new BroadcastChannel(syncChannelName("ws-2"))
    stranger.postMessage({ _tag: "Status", status: "not a status" })
    stranger.postMessage("hello")
    const other = openSyncChannel("ws-3", () => {})
    other.send({ _tag: "SyncNow" })
    const same = openSyncChannel("ws-2", () => {})
    same.send({ _tag: "LocalChange" })
    await nextMessage(received, 1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(received).toEqual([{ _tag: "LocalChange" }])
    for (const channel of [tab, other, same]) channel.close()
    stranger.close()
  })
})
