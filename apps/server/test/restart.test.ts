import { once } from "node:events"
import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { testDatabases, type ProvisionedStore } from "./support/databases.js"
import { createWorkspace, push, request, unb64 } from "./support/Http.js"
import { spawnServer } from "./support/TestServer.js"

describe.each(testDatabases())("the server process on $name", (database) => {
  let store: ProvisionedStore

  beforeAll(async () => {
    store = await database.provision()
  })
  afterAll(async () => {
    await store?.cleanup()
  })

  it("keeps workspaces, tokens and changes across a graceful restart", async () => {
    const first = await spawnServer(store.env)
    const ws = await createWorkspace(first.url)
    await push(first.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "before restart 1" },
      { clientSeq: 2, text: "before restart 2" }
    ])
    await first.stop()
    expect(await first.exited).toBe(0)

    const second = await spawnServer(store.env)
    try {
      const pulled = await request(second.url, "GET", `/workspaces/${ws.workspaceId}/changes`, { token: ws.masterToken })
      expect(pulled.status).toBe(200)
      expect(pulled.body.changes.map((c: { data: string }) => unb64(c.data))).toEqual(["before restart 1", "before restart 2"])
      const next = await push(second.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 3, text: "after" }])
      expect(next.body.results).toEqual([{ clientSeq: 3, seq: 3 }])
    } finally {
      await second.stop()
    }
  })

  it("loses no acknowledged push when the process is killed outright", async () => {
    const first = await spawnServer(store.env)
    const ws = await createWorkspace(first.url)
    const acked = await push(
      first.url,
      ws.workspaceId,
      ws.masterToken,
      Array.from({ length: 50 }, (_, i) => ({ clientSeq: i + 1, text: `acked ${i + 1}` }))
    )
    expect(acked.status).toBe(200)
    first.process.kill("SIGKILL")
    await first.exited

    const second = await spawnServer(store.env)
    try {
      const pulled = await request(second.url, "GET", `/workspaces/${ws.workspaceId}/changes`, { token: ws.masterToken })
      expect(pulled.body.headSeq).toBe(50)
      expect(pulled.body.changes).toHaveLength(50)
      // The retry of an acknowledged change (same bytes) gets its first seq.
      const again = await push(second.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 50, text: "acked 50" }])
      expect(again.body).toEqual({ results: [{ clientSeq: 50, seq: 50 }], headSeq: 50 })
    } finally {
      await second.stop()
    }
  })

  it("stops promptly on SIGTERM, answering open long-polls instead of waiting them out", async () => {
    const server = await spawnServer(store.env)
    const ws = await createWorkspace(server.url)
    const waiting = request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=60`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 300))
    const started = Date.now()
    server.process.kill("SIGTERM")
    const answer = await waiting
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ headSeq: 0 })
    expect(await server.exited).toBe(0)
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it("stops on SIGTERM while a client holds a connection it never sent a request on", async () => {
    const server = await spawnServer(store.env)
    const { hostname, port } = new URL(server.url)
    const socket = connect({ host: hostname, port: Number(port) })
    await once(socket, "connect")
    const closed = once(socket, "close")
    server.process.kill("SIGTERM")
    expect(await server.exited).toBe(0)
    await closed
  })
})
