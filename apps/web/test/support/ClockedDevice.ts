/**
 * Devices opened over a given database: with a clock the test moves, for what happens after
 * days or weeks (unreferenced chunks removed after 30 days), or over a workspace an import or
 * a restore made.
 */
import { readMeta } from "../../src/data/Meta.js"
import type { SyncOptions } from "../../src/sync/SyncEngine.js"
import { openDevice, type Device } from "./Device.js"

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
  return openDevice(device.name, device.db, options, clock)
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
