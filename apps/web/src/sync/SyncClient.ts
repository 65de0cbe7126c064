/**
 * The tab's side of sync: starts this tab's sync worker (only the Web Lock holder among all
 * tabs' workers syncs), and follows the leader's status over the sync channel.
 */
import { openSyncChannel, type SyncChannel } from "./SyncChannel.js"
import { syncLockName } from "./SyncLeader.js"
import { initialStatus } from "./InitialStatus.js"
import type { SyncStatus } from "./SyncStatus.js"

const workerNamePrefix = "quire-sync:"

/** The workspace a sync worker was started for, from its name. */
export const workspaceIdOfWorker = (name: string) => name.slice(workerNamePrefix.length)

export class SyncClient {
  private status: SyncStatus = initialStatus
  private readonly listeners = new Set<() => void>()
  private readonly channel: SyncChannel
  private readonly worker: Worker

  constructor(private readonly workspaceId: string) {
    this.worker = new Worker(new URL("./sync.worker.ts", import.meta.url), { type: "module", name: workerNamePrefix + workspaceId })
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

  /**
   * Stops syncing this workspace in every tab for good (each worker stops its engine and
   * ends), then runs `work` holding the sync lock, so no worker can be syncing while it runs.
   */
  async stopEverywhere<A>(work: () => Promise<A>): Promise<A> {
    this.channel.send({ _tag: "Stop" })
    this.close()
    return navigator.locks.request(syncLockName(this.workspaceId), { mode: "exclusive" }, work)
  }

  close(): void {
    this.channel.close()
    this.worker.terminate()
  }
}
