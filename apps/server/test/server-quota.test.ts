/** SERVER_QUOTA_BYTES: what all workspaces together may store, since anyone may create them. */
import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { compact, createWorkspace, info, keyOf, octets, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const bytes = (n: number) => randomBytes(n)

describe.each(testDatabases())("the server quota on $name", (database) => {
  const server = serverPerSuite(database, { SERVER_QUOTA_BYTES: "1000" })

  const workspaceCount = async () => Number((await server.sql<{ n: string }>("SELECT count(*) AS n FROM workspaces"))[0]!.n)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server's JSON, as it came: each test asserts the fields it reads
  const expectServerFull = (reply: { status: number; body: any }, what: string) => {
    expect(reply.status, what).toBe(413)
    expect(reply.body._tag, what).toBe("ServerFull")
    expect(reply.body.message, what).toMatch(/no room/)
  }
  const removeWorkspace = async (ws: { workspaceId: string; masterToken: string }) =>
    expect((await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).status).toBe(204)

  it("refuses pushes, blobs, growing compactions, restores and new workspaces past it with 413 ServerFull, storing nothing", async () => {
    const first = await createWorkspace(server.url)
    expect((await push(server.url, first.workspaceId, first.masterToken, [{ clientSeq: 1, text: bytes(600) }])).status).toBe(200)
    const second = await createWorkspace(server.url)

    expectServerFull(await push(server.url, second.workspaceId, second.masterToken, [{ clientSeq: 1, text: bytes(401) }]), "push")
    expectServerFull(
      await request(server.url, "PUT", `/workspaces/${second.workspaceId}/blobs/${keyOf("blob")}`, {
        token: second.masterToken,
        ...octets(bytes(401))
      }),
      "blob"
    )
    expect(await info(server.url, second.workspaceId, second.masterToken)).toMatchObject({ headSeq: 0, bytesUsed: 0 })

    // Up to the quota exactly is fine; then there is no room for anything new.
    const filling = bytes(400)
    expect((await push(server.url, second.workspaceId, second.masterToken, [{ clientSeq: 1, text: filling }])).status).toBe(200)
    expectServerFull(await request(server.url, "POST", "/workspaces", { json: {} }), "create")
    expectServerFull(
      await compact(server.url, first.workspaceId, first.masterToken, { doc: "other", covers: 0, clientSeq: 2, text: "x" }),
      "compaction"
    )

    // What stores nothing new still goes: a retry of a stored change, and a compaction that frees space.
    const retry = await push(server.url, second.workspaceId, second.masterToken, [{ clientSeq: 1, text: filling }])
    expect(retry.body).toEqual({ results: [{ clientSeq: 1, seq: 1 }], headSeq: 1 })
    const shrink = await compact(server.url, first.workspaceId, first.masterToken, {
      doc: "doc",
      covers: 1,
      clientSeq: 3,
      text: bytes(100)
    })
    expect(shrink.status).toBe(200)

    // 500 used: a backup of the 400-byte workspace restores once, not twice.
    const backup = await request(server.url, "GET", `/workspaces/${second.workspaceId}/backup`, { token: second.masterToken })
    const restored = await request(server.url, "POST", "/workspaces/restore", octets(backup.body))
    expect(restored.status).toBe(201)
    const before = await workspaceCount()
    expectServerFull(await request(server.url, "POST", "/workspaces/restore", octets(backup.body)), "restore")
    expect(await workspaceCount()).toBe(before)

    // Deleting a workspace makes room again.
    await removeWorkspace(restored.body)
    const third = await createWorkspace(server.url)
    for (const ws of [first, second, third]) await removeWorkspace(ws)
  })

  it("gives the room of a deleted blob back", async () => {
    const ws = await createWorkspace(server.url)
    const blob = (name: string) => `/workspaces/${ws.workspaceId}/blobs/${keyOf(name)}`
    expect((await request(server.url, "PUT", blob("a"), { token: ws.masterToken, ...octets(bytes(700)) })).status).toBe(201)
    expectServerFull(await request(server.url, "PUT", blob("b"), { token: ws.masterToken, ...octets(bytes(700)) }), "second blob")
    expect((await request(server.url, "DELETE", blob("a"), { token: ws.masterToken })).status).toBe(204)
    expect((await request(server.url, "PUT", blob("b"), { token: ws.masterToken, ...octets(bytes(700)) })).status).toBe(201)
    await removeWorkspace(ws)
  })
})
