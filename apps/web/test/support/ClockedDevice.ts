/**
 * Devices opened over a given database: with a clock the test moves, for what happens after
 * days or weeks (unreferenced chunks removed after 30 days), or over a workspace an import or
 * a restore made.
 */
import { Attachments } from "../../src/attachments/Attachments.js"
import { DocStore } from "../../src/data/DocStore.js"
import { readMeta } from "../../src/data/Meta.js"
import { NoteRepository } from "../../src/data/NoteRepository.js"
import { makeSyncApi } from "../../src/sync/SyncApi.js"
import { SyncEngine, type SyncOptions } from "../../src/sync/SyncEngine.js"
import type { SyncStatus } from "../../src/sync/SyncStatus.js"
import { workspaceKeyOf } from "../../src/sync/Workspace.js"
import type { QuireDb } from "../../src/data/QuireDb.js"
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

/** A device over a workspace database opened elsewhere (an import, a restore), with `clock`. */
export const openDevice = async (name: string, db: QuireDb, clock: () => number = Date.now, options: SyncOptions = {}): Promise<Device> => {
  const credentials = (await readMeta(db, "workspace"))!
  const key = await workspaceKeyOf(credentials)
  const store = new DocStore(db, key, clock)
  const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
  const engine = new SyncEngine(db, store, api, key, options)
  const statuses: Array<SyncStatus> = []
  engine.subscribe((status) => statuses.push(status))
  return {
    name,
    db,
    store,
    notes: new NoteRepository(store),
    files: new Attachments(store, key),
    engine,
    statuses,
    close: async () => {
      await engine.stop()
      db.close()
    }
  }
}

/** The same device (database) reopened with `clock`; the old engine is stopped. Track the one returned. */
export const withClock = async (device: Device, clock: () => number, options: SyncOptions = {}): Promise<Device> => {
  await device.engine.stop()
  return openDevice(device.name, device.db, clock, options)
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
