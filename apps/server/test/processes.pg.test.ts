/** Several server processes on one Postgres: still one gapless log, and long-polls wake across them. */
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { listenApplicationName } from "../src/notify/Notifier.js"
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

  it("a long-poll still wakes when its process lost its LISTEN connection and the push landed meanwhile", async () => {
    const ws = await createWorkspace(a.url)
    const waiting = request(a.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=30`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const admin = new pg.Client({ connectionString: store.env.DATABASE_URL })
    await admin.connect()
    try {
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
        [listenApplicationName]
      )
      expect(rows.length).toBe(2)
    } finally {
      await admin.end()
    }
    // While both processes reconnect (a second), the NOTIFY of this push reaches no one.
    const pushedAt = Date.now()
    await push(b.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "during the gap" }])
    const woken = await waiting
    expect(woken.body).toEqual({ headSeq: 1 })
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

describe.skipIf(database === undefined)("two server processes on one Postgres share their limits", () => {
  let store: ProvisionedStore
  let a: SpawnedServer
  let b: SpawnedServer

  beforeAll(async () => {
    store = await database!.provision()
    const env = {
      ...store.env,
      JWT_SECRET: "a-test-secret-that-is-long-enough-for-hs256",
      RATE_LIMIT_PER_MINUTE: "4",
      SERVER_QUOTA_BYTES: "1000"
    }
    ;[a, b] = await Promise.all([spawnServer(env), spawnServer(env)])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await store?.cleanup()
  })

  /** Created on either process; the rate limit leaves four. */
  const created: Array<{ workspaceId: string; masterToken: string }> = []

  it("one address gets RATE_LIMIT_PER_MINUTE across both processes, not that many on each", async () => {
    const statuses = []
    for (const url of [a.url, b.url, a.url, b.url, a.url, b.url]) {
      const reply = await request(url, "POST", "/workspaces", { json: {} })
      statuses.push(reply.status)
      if (reply.status === 201) created.push(reply.body)
    }
    expect(statuses).toEqual([201, 201, 201, 201, 429, 429])
  })

  it("a process refuses past the server quota what the other stored, once it has seen it (within about a second)", async () => {
    const [first, second] = created
    expect((await push(a.url, first!.workspaceId, first!.masterToken, [{ clientSeq: 1, text: "x".repeat(900) }])).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 2_000))
    const refused = await push(b.url, second!.workspaceId, second!.masterToken, [{ clientSeq: 1, text: "y".repeat(200) }])
    expect(refused.status).toBe(413)
    expect(refused.body._tag).toBe("ServerFull")
  })
})
