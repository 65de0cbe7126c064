/**
 * The tab's side of sync: starts this tab's sync worker (only the Web Lock holder among all
 * tabs' workers syncs), and follows the leader's status over the sync channel.
 */
import { openSyncChannel, type SyncChannel } from "./SyncChannel.js"
import { initialStatus, type SyncStatus } from "./SyncStatus.js"

export class SyncClient {
  private status: SyncStatus = initialStatus
  private readonly listeners = new Set<() => void>()
  private readonly channel: SyncChannel
  private readonly worker: Worker

  constructor(workspaceId: string) {
    this.worker = new Worker(new URL("./sync.worker.ts", import.meta.url), { type: "module", name: "quire-sync" })
    this.channel = openSyncChannel(workspaceId, (message) => {
      if (message._tag !== "Status") return
      this.status = message.status
      for (const listener of this.listeners) listener()
    })
    this.channel.send({ _tag: "StatusRequest" })
    addEventListener("online", () => this.channel.send({ _tag: "SyncNow" }))
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  readonly getStatus = () => this.status

  /** A local edit was saved: the leader pushes it now instead of at the next long-poll. */
  localChange(): void {
    this.channel.send({ _tag: "LocalChange" })
  }

  syncNow(): void {
    this.channel.send({ _tag: "SyncNow" })
  }

  close(): void {
    this.channel.close()
    this.worker.terminate()
  }
}
