/**
 * The sync Web Worker: one per tab, of which only the Web Lock holder syncs. It wires the
 * platform-free engine to the browser (IndexedDB, fetch, BroadcastChannel, `online`) and
 * does nothing else. Its name carries the workspace it syncs (see SyncClient).
 */
import { DeviceRegistry } from "../data/DeviceRegistry.js"
import { DocStore } from "../data/DocStore.js"
import { readMeta } from "../data/Meta.js"
import { makeSyncApi } from "./SyncApi.js"
import { openSyncChannel } from "./SyncChannel.js"
import { SyncEngine } from "./SyncEngine.js"
import { whenLeader } from "./SyncLeader.js"
import { workspaceIdOfWorker } from "./SyncClient.js"
import { workspaceKeyOf } from "./Workspace.js"

const start = async () => {
  const workspaceId = workspaceIdOfWorker(self.name)
  const db = new DeviceRegistry().open(workspaceId)
  let engine: SyncEngine | undefined
  // Listening before leading: a waiting worker must stop too when the workspace is left.
  const channel = openSyncChannel(workspaceId, (message) => {
    if (message._tag === "Stop") return void (engine?.stop() ?? Promise.resolve()).finally(() => self.close())
    if (!engine) return
    if (message._tag === "LocalChange") engine.kick(message.entry)
    // "Sync now" also restarts an engine that stopped on an error the person may have fixed.
    if (message._tag === "SyncNow") {
      engine.start()
      engine.kick()
    }
    if (message._tag === "StatusRequest") channel.send({ _tag: "Status", status: engine.current })
  })
  await whenLeader(navigator.locks, workspaceId, async () => {
    const credentials = await readMeta(db, "workspace")
    if (!credentials) return
    const key = await workspaceKeyOf(credentials)
    const leader = new SyncEngine(
      db,
      new DocStore(db, key),
      makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId),
      key
    )
    engine = leader
    leader.subscribe((status) => channel.send({ _tag: "Status", status }))
    leader.onArrived((entries) => channel.send({ _tag: "Arrived", entries }))
    self.addEventListener("online", () => leader.kick())
    leader.start()
    // Hold the lock for the worker's life: it ends when the tab closes.
    await new Promise<never>(() => {})
  })
}

void start()
