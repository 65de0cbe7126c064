/**
 * Where a sync worker sends what it hears. A tab talks only to its own worker, with
 * postMessage: the two are one build, so nothing needs the schema, and the message never
 * leaves the tab's process. Workers talk to each other over the sync channel
 * (BroadcastChannel, checked with the schema, since tabs of two app versions can share it).
 *
 * The leading worker handles every tab's requests, its own tab's directly and the others'
 * from the channel. It tells its status and what it pulled to its own tab first, then to the
 * channel, where each waiting worker hands them on to its tab.
 */
import type { SyncChannel, SyncMessage, TabRequest, TabUpdate } from "./SyncChannel.js"
import type { SyncEngine } from "./SyncEngine.js"

export class WorkerRelay {
  private engine: SyncEngine | undefined
  private readonly channel: SyncChannel

  constructor(
    openChannel: (onMessage: (message: SyncMessage) => void) => SyncChannel,
    private readonly toTab: (update: TabUpdate) => void,
    private readonly onStop: (engine: SyncEngine | undefined) => void
  ) {
    this.channel = openChannel((message) => this.fromChannel(message))
  }

  /** This worker now leads: its engine answers every tab from here on. */
  lead(engine: SyncEngine): void {
    this.engine = engine
    engine.subscribe((status) => this.update({ _tag: "Status", status }))
    engine.onArrived((entries) => this.update({ _tag: "Arrived", entries }))
  }

  fromTab(request: TabRequest): void {
    if (this.engine) this.handle(this.engine, request, this.toTab)
    else this.channel.send(request._tag === "ChunksStored" ? { _tag: "LocalChange" } : request)
  }

  private fromChannel(message: SyncMessage): void {
    if (message._tag === "Stop") return this.onStop(this.engine)
    if (message._tag === "Status" || message._tag === "Arrived") {
      // Only a leader sends these; a second leader's would be stale news to this one's tab.
      if (!this.engine) this.toTab(message)
      return
    }
    if (this.engine) this.handle(this.engine, message, this.channel.send)
  }

  /** `reply` reaches whoever asked: this worker's own tab, or the channel. */
  private handle(engine: SyncEngine, request: TabRequest, reply: (update: TabUpdate) => void): void {
    if (request._tag === "LocalChange") engine.kick(request.entry)
    if (request._tag === "ChunksStored") {
      engine.handChunks(request.chunks)
      engine.kick()
    }
    if (request._tag === "SyncNow") {
      // "Sync now" also restarts an engine that stopped on an error the person may have fixed.
      engine.start()
      engine.kick()
    }
    if (request._tag === "StatusRequest") reply({ _tag: "Status", status: engine.current })
  }

  private update(update: TabUpdate): void {
    this.toTab(update)
    this.channel.send(update)
  }

  close(): void {
    this.channel.close()
  }
}
