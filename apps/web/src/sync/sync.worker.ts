/**
 * The sync Web Worker: one per tab, of which only the Web Lock holder syncs. It wires the
 * platform-free engine to the browser (IndexedDB, fetch, BroadcastChannel, `online`) and
 * does nothing else.
 */
import { DocStore } from "../data/DocStore.js"
import { readMeta } from "../data/Meta.js"
import { QuireDb } from "../data/QuireDb.js"
import { makeSyncApi } from "./SyncApi.js"
import { openSyncChannel } from "./SyncChannel.js"
import { SyncEngine } from "./SyncEngine.js"
import { whenLeader } from "./SyncLeader.js"
import { workspaceKeyOf } from "./Workspace.js"

const start = async () => {
  const db = new QuireDb()
  const credentials = await readMeta(db, "workspace")
  if (!credentials) return
  await whenLeader(navigator.locks, credentials.workspaceId, async () => {
    const key = await workspaceKeyOf(credentials)
    const engine = new SyncEngine(db, new DocStore(db, key), makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId), key)
    const channel = openSyncChannel(credentials.workspaceId, (message) => {
      if (message._tag === "LocalChange") engine.kick()
      // "Sync now" also restarts an engine that stopped on an error the person may have fixed.
      if (message._tag === "SyncNow") {
        engine.start()
        engine.kick()
      }
      if (message._tag === "StatusRequest") channel.send({ _tag: "Status", status: engine.current })
    })
    engine.subscribe((status) => channel.send({ _tag: "Status", status }))
    self.addEventListener("online", () => engine.kick())
    engine.start()
    // Hold the lock for the worker's life: it ends when the tab closes.
    await new Promise<never>(() => {})
  })
}

void start()
