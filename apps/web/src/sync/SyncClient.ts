/**
 * The tab's side of sync: starts this tab's sync worker (only the Web Lock holder among all
 * tabs' workers syncs), follows the leader's status over the sync channel, and hands what the
 * leader just pulled to whoever shows that document.
 */
import type { HandedEntry } from "../data/OutboxFold.js"
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
  private readonly arrivals = new Map<string, Set<(bytes: Uint8Array) => void>>()
  private readonly channel: SyncChannel
  private readonly worker: Worker

  constructor(private readonly workspaceId: string) {
    this.worker = new Worker(new URL("./sync.worker.ts", import.meta.url), { type: "module", name: workerNamePrefix + workspaceId })
    this.channel = openSyncChannel(workspaceId, (message) => {
      if (message._tag === "Arrived") {
        for (const { docId, bytes } of message.entries) this.arrivals.get(docId)?.forEach((listener) => listener(bytes))
        return
      }
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

  /** Runs `listener` with each change of `docId` the leader pulls, before it is stored (SyncEngine.onArrived). */
  readonly onArrived = (docId: string, listener: (bytes: Uint8Array) => void) => {
    const listeners = this.arrivals.get(docId) ?? new Set()
    this.arrivals.set(docId, listeners.add(listener))
    return () => {
      listeners.delete(listener)
      if (listeners.size === 0) this.arrivals.delete(docId)
    }
  }

  /** A local edit was saved: the leader pushes it now instead of at the next long-poll. */
  localChange(): void {
    this.channel.send({ _tag: "LocalChange" })
  }

  /** An edit after a pause, written frozen: the leader pushes these bytes without reading the outbox first. */
  handOff(entry: HandedEntry): void {
    this.channel.send({ _tag: "LocalChange", entry })
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
