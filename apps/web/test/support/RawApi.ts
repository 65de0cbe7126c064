/** Direct calls to the real server as a device, for tests that inspect or bypass the engine. */
import { readMeta } from "../../src/data/Meta.js"
import type { Device } from "./Device.js"

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url")

/** The JSON body the server answered, as the caller says it is (the tests check what they use). */
const call = async <T>(device: Device, method: string, path: string, body?: unknown): Promise<T> => {
  const credentials = (await readMeta(device.db, "workspace"))!
  const response = await fetch(`${credentials.serverUrl}/api/v1/workspaces/${credentials.workspaceId}${path}`, {
    method,
    headers: { authorization: `Bearer ${credentials.token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const json: unknown = await response.json()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`)
  return json as T
}

export const workspaceInfo = (device: Device): Promise<{ headSeq: number; changeCount: number; bytesUsed: number }> =>
  call(device, "GET", "")

/** Every change the server holds now, in seq order. */
export const storedChanges = async (device: Device): Promise<Array<{ seq: number; key: string; kind: string; data: Uint8Array }>> => {
  const all = []
  let after = 0
  for (;;) {
    const page = await call<{ changes: Array<{ seq: number; key: string; kind: string; data: string }>; hasMore: boolean }>(
      device,
      "GET",
      `/changes?after=${after}`
    )
    for (const change of page.changes) all.push({ ...change, data: new Uint8Array(Buffer.from(change.data, "base64")) })
    const last = page.changes.at(-1)
    if (!page.hasMore || !last) return all
    after = last.seq
  }
}

/** Pushes exactly these bytes as this device, past its engine and outbox. */
export const pushRaw = (device: Device, changes: ReadonlyArray<{ clientSeq: number; key: Uint8Array; data: Uint8Array }>) =>
  call<unknown>(device, "POST", "/changes", {
    changes: changes.map((c) => ({ clientSeq: c.clientSeq, key: b64url(c.key), data: b64(c.data) }))
  })
