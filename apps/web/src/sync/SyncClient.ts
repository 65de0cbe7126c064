/**
 * The tab's side of sync: starts this tab's sync worker (only the Web Lock holder among all
 * tabs' workers syncs) and talks to it alone (WorkerRelay): follows the leader's status, and
 * hands what the leader just pulled to whoever shows that document.
 */
import type { HandedChunk } from "../attachments/StoredChunk.js"
import type { HandedEntry } from "../data/OutboxFold.js"
import { broadcastStop, type TabRequest, type TabUpdate } from "./SyncChannel.js"
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
  private readonly worker: Worker

  constructor(private readonly workspaceId: string) {
    this.worker = new Worker(new URL("./sync.worker.ts", import.meta.url), { type: "module", name: workerNamePrefix + workspaceId })
    this.worker.onmessage = ({ data: update }: MessageEvent<TabUpdate>) => {
      if (update._tag === "Arrived") {
        for (const { docId, bytes } of update.entries) this.arrivals.get(docId)?.forEach((listener) => listener(bytes))
        return
      }
      this.status = update.status
      for (const listener of this.listeners) listener()
    }
    this.send({ _tag: "StatusRequest" })
    addEventListener("online", () => this.send({ _tag: "SyncNow" }))
  }

  private send(request: TabRequest): void {
    this.worker.postMessage(request)
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
    this.send({ _tag: "LocalChange" })
  }

  /** An edit after a pause, written frozen: the leader pushes these bytes without reading the outbox first. */
  handOff(entry: HandedEntry): void {
    this.send({ _tag: "LocalChange", entry })
  }

  /** Chunks of a file being added were stored: the leader uploads them now, these without reading them back. */
  chunksStored(chunks: ReadonlyArray<HandedChunk>): void {
    this.send({ _tag: "ChunksStored", chunks })
  }

  syncNow(): void {
    this.send({ _tag: "SyncNow" })
  }

  /**
   * Stops syncing this workspace in every tab for good (each worker stops its engine and
   * ends), then runs `work` holding the sync lock, so no worker can be syncing while it runs.
   */
  async stopEverywhere<A>(work: () => Promise<A>): Promise<A> {
    broadcastStop(this.workspaceId)
    this.close()
    return navigator.locks.request(syncLockName(this.workspaceId), { mode: "exclusive" }, work)
  }

  close(): void {
    this.worker.terminate()
  }
}
