/**
 * A "device" for node tests: its own IndexedDB (fake-indexeddb), document store, repository
 * and sync engine, talking to a real server over loopback.
 */
import { Either } from "effect"
import { Attachments } from "../../src/attachments/Attachments.js"
import { DocStore } from "../../src/data/DocStore.js"
import { readMeta } from "../../src/data/Meta.js"
import { NoteRepository } from "../../src/data/NoteRepository.js"
import { DeviceRegistry } from "../../src/data/DeviceRegistry.js"
import type { QuireDb } from "../../src/data/QuireDb.js"
import { makeSyncApi, type SyncApi } from "../../src/sync/SyncApi.js"
import { recoverWorkspace } from "../../src/sync/RecoveryKit.js"
import { SyncEngine, type SyncOptions } from "../../src/sync/SyncEngine.js"
import type { SyncStatus } from "../../src/sync/SyncStatus.js"
import { createWorkspace, joinWorkspace, workspaceKeyOf } from "../../src/sync/Workspace.js"

let counter = 0

export interface Device {
  readonly name: string
  readonly db: QuireDb
  readonly store: DocStore
  readonly notes: NoteRepository
  readonly files: Attachments
  readonly engine: SyncEngine
  readonly statuses: Array<SyncStatus>
  readonly close: () => Promise<void>
}

/** A device over a workspace database (made here, or by an import or a restore), with `clock` for its documents. */
export const openDevice = async (name: string, db: QuireDb, options: SyncOptions = {}, clock: () => number = Date.now): Promise<Device> => {
  const credentials = (await readMeta(db, "workspace"))!
  const key = await workspaceKeyOf(credentials)
  // As in the app: an edit after a pause is handed to the engine (the next round pushes it as it is).
  const store = new DocStore(db, key, clock, (entry) => engine.kick(entry))
  const engine: SyncEngine = new SyncEngine(
    db,
    store,
    makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId),
    key,
    options
  )
  const statuses: Array<SyncStatus> = []
  engine.subscribe((status) => statuses.push(status))
  return {
    name,
    db,
    store,
    notes: new NoteRepository(store),
    // As in the app: the chunks of a file being added are handed to the engine as they are stored.
    files: new Attachments(
      store,
      key,
      () => {},
      (chunks) => engine.handChunks(chunks)
    ),
    engine,
    statuses,
    close: async () => {
      await engine.stop()
      db.close()
    }
  }
}

/** Another engine over a device's database and store, its API wrapped by `wrap` so a test can count or break calls. */
export const engineOver = async (device: Device, wrap: (api: SyncApi) => SyncApi = (api) => api, options: SyncOptions = {}) => {
  const credentials = (await readMeta(device.db, "workspace"))!
  const api = wrap(makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId))
  return new SyncEngine(device.db, device.store, api, await workspaceKeyOf(credentials), options)
}

/** A simulated device: its own set of IndexedDB databases. */
export const freshRegistry = (name: string) => new DeviceRegistry(`quire-test-${name}-${process.pid}-${++counter}`)

export const createDevice = async (serverUrl: string, name = "laptop", options: SyncOptions = {}) => {
  const created = await createWorkspace(freshRegistry(name), serverUrl, name)
  if (Either.isLeft(created)) throw new Error(`create workspace: ${created.left.message}`)
  return openDevice(name, created.right.db, options)
}

export const joinDevice = async (link: string, name = "phone", options: SyncOptions = {}) => {
  const joined = await joinWorkspace(freshRegistry(name), link, name)
  if (Either.isLeft(joined)) throw new Error(`join workspace: ${joined.left.message}`)
  return openDevice(name, joined.right.db, options)
}

/** A device brought back with a recovery kit (the text the master device shows). */
export const recoverDevice = async (kit: string, name = "rescued", options: SyncOptions = {}) => {
  const recovered = await recoverWorkspace(freshRegistry(name), kit, name)
  if (Either.isLeft(recovered)) throw new Error(`recover workspace: ${recovered.left.message}`)
  return openDevice(name, recovered.right.db, options)
}

/** Reopens a device's database as a new process would: nothing in memory survives. */
export const reopenDevice = async (device: Device, options: SyncOptions = {}) => {
  await device.engine.stop()
  return openDevice(device.name, device.db, options)
}

/** Polls until `check` passes or the time is up. */
export const eventually = async (check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = "condition") => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** All notes a device lists, as plain values sorted by id, for comparing devices. */
export const notesOf = async (device: Device) => {
  const rows = await device.db.notes.orderBy("id").toArray()
  return Promise.all(rows.map((row) => device.notes.read(row.id)))
}
