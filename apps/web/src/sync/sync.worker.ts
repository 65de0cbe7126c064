/**
 * The sync Web Worker: one per tab, of which only the Web Lock holder syncs. It wires the
 * platform-free engine to the browser (IndexedDB, fetch, its tab, the sync channel, `online`)
 * and does nothing else. Its name carries the workspace it syncs (see SyncClient).
 */
import { DeviceRegistry } from "../data/DeviceRegistry.js"
import { DocStore } from "../data/DocStore.js"
import { readMeta } from "../data/Meta.js"
import { makeSyncApi } from "./SyncApi.js"
import { openSyncChannel, type TabRequest, type TabUpdate } from "./SyncChannel.js"
import { SyncEngine } from "./SyncEngine.js"
import { whenLeader } from "./SyncLeader.js"
import { workspaceIdOfWorker } from "./SyncClient.js"
import { WorkerRelay } from "./WorkerRelay.js"
import { workspaceKeyOf } from "./Workspace.js"

const workspaceId = workspaceIdOfWorker(self.name)
// Listening before leading: a waiting worker passes its tab's requests on, and must stop too
// when the workspace is left.
const relay = new WorkerRelay(
  (onMessage) => openSyncChannel(workspaceId, onMessage),
  (update: TabUpdate) => self.postMessage(update),
  (engine) => void (engine?.stop() ?? Promise.resolve()).finally(() => self.close())
)
self.onmessage = (event: MessageEvent<TabRequest>) => relay.fromTab(event.data)

const lead = async () => {
  const db = new DeviceRegistry().open(workspaceId)
  await whenLeader(navigator.locks, workspaceId, async () => {
    const credentials = await readMeta(db, "workspace")
    if (!credentials) return
    const key = await workspaceKeyOf(credentials)
    const engine = new SyncEngine(
      db,
      new DocStore(db, key),
      makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId),
      key
    )
    relay.lead(engine)
    self.addEventListener("online", () => engine.kick())
    engine.start()
    // Hold the lock for the worker's life: it ends when the tab closes.
    await new Promise<never>(() => {})
  })
}

void lead()
