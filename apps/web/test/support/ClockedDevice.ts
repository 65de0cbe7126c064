/**
 * A device whose store, sync engine and attachments read a clock the test moves, for what
 * happens after days or weeks (unreferenced chunks removed after 30 days).
 */
import { Attachments } from "../../src/attachments/Attachments.js"
import { DocStore } from "../../src/data/DocStore.js"
import { readMeta } from "../../src/data/Meta.js"
import { NoteRepository } from "../../src/data/NoteRepository.js"
import { makeSyncApi } from "../../src/sync/SyncApi.js"
import { SyncEngine, type SyncOptions } from "../../src/sync/SyncEngine.js"
import type { SyncStatus } from "../../src/sync/SyncStatus.js"
import { workspaceKeyOf } from "../../src/sync/Workspace.js"
import type { Device } from "./Device.js"

/** A clock that stands still until moved. */
export const testClock = (start = Date.now()) => {
  let now = start
  return {
    now: () => now,
    advance: (ms: number) => void (now += ms)
  }
}

export const days = (n: number) => n * 24 * 60 * 60 * 1000

/** The same device (database) reopened with `clock`; the old engine is stopped. Track the one returned. */
export const withClock = async (device: Device, clock: () => number, options: SyncOptions = {}): Promise<Device> => {
  await device.engine.stop()
  const credentials = (await readMeta(device.db, "workspace"))!
  const key = await workspaceKeyOf(credentials)
  const store = new DocStore(device.db, key, clock)
  const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
  const engine = new SyncEngine(device.db, store, api, key, options)
  const statuses: Array<SyncStatus> = []
  engine.subscribe((status) => statuses.push(status))
  return {
    name: device.name,
    db: device.db,
    store,
    notes: new NoteRepository(store),
    files: new Attachments(store, key),
    engine,
    statuses,
    close: async () => {
      await engine.stop()
      device.db.close()
    }
  }
}

/** Whether the server holds the chunk now (200), or answers 404 BlobNotFound. */
export const serverBlobStatus = async (device: Device, id: string): Promise<{ status: number; tag?: string }> => {
  const credentials = (await readMeta(device.db, "workspace"))!
  const response = await fetch(`${credentials.serverUrl}/api/v1/workspaces/${credentials.workspaceId}/blobs/${id}`, {
    headers: { authorization: `Bearer ${credentials.token}` }
  })
  if (response.ok) return { status: response.status }
  const body = (await response.json()) as { _tag?: string }
  return { status: response.status, ...(body._tag === undefined ? {} : { tag: body._tag }) }
}
