/** Several server processes on one Postgres: still one gapless log, and long-polls wake across them. */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { postgresOnly, type ProvisionedStore } from "./support/databases.js"
import { createWorkspace, pairDevice, push, request } from "./support/Http.js"
import { spawnServer, type SpawnedServer } from "./support/TestServer.js"

const database = postgresOnly()
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe.skipIf(database === undefined)("two server processes on one Postgres", () => {
  let store: ProvisionedStore
  let a: SpawnedServer
  let b: SpawnedServer

  beforeAll(async () => {
    store = await database!.provision()
    // Processes sharing a database must share the signing secret.
    const env = { ...store.env, JWT_SECRET: "a-test-secret-that-is-long-enough-for-hs256" }
    ;[a, b] = await Promise.all([spawnServer(env), spawnServer(env)])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await store?.cleanup()
  })

  it("gives seqs 1..N with no gap when both push concurrently", async () => {
    const ws = await createWorkspace(a.url)
    const second = await pairDevice(b.url, ws.workspaceId, ws.masterToken)
    const replies = await Promise.all([
      ...range(40).map((clientSeq) => push(a.url, ws.workspaceId, ws.masterToken, [{ clientSeq, text: `a${clientSeq}` }])),
      ...range(40).map((clientSeq) => push(b.url, ws.workspaceId, second.deviceToken, [{ clientSeq, text: `b${clientSeq}` }]))
    ])
    expect(replies.every((reply) => reply.status === 200)).toBe(true)
    expect(replies.map((reply) => reply.body.results[0].seq as number).sort((x, y) => x - y)).toEqual(range(80))
    const pulled = await request(b.url, "GET", `/workspaces/${ws.workspaceId}/changes?limit=1000`, { token: ws.masterToken })
    expect(pulled.body.changes.map((c: { seq: number }) => c.seq)).toEqual(range(80))
  })

  it("wakes a long-poll on one process when the push lands on the other", async () => {
    const ws = await createWorkspace(a.url)
    const waiting = request(a.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=30`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const pushedAt = Date.now()
    await push(b.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "cross-process" }])
    const woken = await waiting
    expect(woken.body).toEqual({ headSeq: 1 })
    // LISTEN/NOTIFY, not the 30 s timeout.
    expect(Date.now() - pushedAt).toBeLessThan(5_000)
  })

  it("a device revoked through one process is refused by the other at once", async () => {
    const ws = await createWorkspace(a.url)
    const device = await pairDevice(a.url, ws.workspaceId, ws.masterToken)
    const devices = await request(a.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: ws.masterToken })
    const tokenId = devices.body.devices.find((d: { deviceId: string }) => d.deviceId === device.deviceId).tokenId
    expect((await request(b.url, "GET", `/workspaces/${ws.workspaceId}`, { token: device.deviceToken })).status).toBe(200)
    expect((await request(a.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${tokenId}`, { token: ws.masterToken })).status).toBe(204)
    const refused = await request(b.url, "GET", `/workspaces/${ws.workspaceId}`, { token: device.deviceToken })
    expect(refused.status).toBe(401)
    expect(refused.body._tag).toBe("TokenRevoked")
  })
})
