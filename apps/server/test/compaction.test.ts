import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { b64, compact, createWorkspace, info, keyOf, pairDevice, pullAll, push, request, unb64 } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

describe.each(testDatabases())("compaction by key on $name", (database) => {
  const server = serverPerSuite(database, { WORKSPACE_QUOTA_BYTES: "2000" })

  /** The counters the server keeps, next to what its tables actually hold. */
  const counters = async (ws: { workspaceId: string; masterToken: string }) => {
    const [actual] = await server.sql<{ count: string; bytes: string }>(
      "SELECT count(*) AS count, coalesce(sum(octet_length(data)), 0) AS bytes FROM changes WHERE workspace_id = $1",
      [ws.workspaceId]
    )
    const [blobs] = await server.sql<{ bytes: string }>(
      "SELECT coalesce(sum(octet_length(data)), 0) AS bytes FROM blobs WHERE workspace_id = $1",
      [ws.workspaceId]
    )
    const kept = await info(server.url, ws.workspaceId, ws.masterToken)
    return {
      kept: { changeCount: kept.changeCount, bytesUsed: kept.bytesUsed },
      actual: { changeCount: Number(actual!.count), bytesUsed: Number(actual!.bytes) + Number(blobs!.bytes) }
    }
  }

  const seedThreeDocuments = async (ws: { workspaceId: string; masterToken: string }) => {
    // seqs: 1 a, 2 b, 3 a, 4 c, 5 a, 6 b
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "a1", doc: "a" },
      { clientSeq: 2, text: "b1", doc: "b" },
      { clientSeq: 3, text: "a2", doc: "a" },
      { clientSeq: 4, text: "c1", doc: "c" },
      { clientSeq: 5, text: "a3", doc: "a" },
      { clientSeq: 6, text: "b2", doc: "b" }
    ])
  }

  it("appends the snapshot at the next seq and removes only that key's changes up to covers", async () => {
    const ws = await createWorkspace(server.url)
    await seedThreeDocuments(ws)
    const reply = await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 3, clientSeq: 100, text: "a1+a2" })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ seq: 7, removed: 2, headSeq: 7 })

    const { changes, headSeq } = await pullAll(server.url, ws.workspaceId, ws.masterToken)
    expect(headSeq).toBe(7)
    // Seq 5 (a, after covers) stays; b and c are untouched; the log has gaps, never a reordering.
    expect(changes.map((c) => [c.seq, c.key, c.kind, unb64(c.data)])).toEqual([
      [2, keyOf("b"), "update", "b1"],
      [4, keyOf("c"), "update", "c1"],
      [5, keyOf("a"), "update", "a3"],
      [6, keyOf("b"), "update", "b2"],
      [7, keyOf("a"), "snapshot", "a1+a2"]
    ])
    expect(changes.at(-1)!.deviceId).toBe(ws.deviceId)
    const { kept, actual } = await counters(ws)
    expect(kept).toEqual(actual)
    expect(kept).toEqual({ changeCount: 5, bytesUsed: 2 * 4 + "a1+a2".length })
  })

  it("a later snapshot replaces the earlier one, and a pull after the old snapshot still sees the new one", async () => {
    const ws = await createWorkspace(server.url)
    await seedThreeDocuments(ws)
    await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 6, clientSeq: 100, text: "a-all" })
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 7, text: "a4", doc: "a" }])
    const second = await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 8, clientSeq: 101, text: "a-all-2" })
    expect(second.body).toEqual({ seq: 9, removed: 2, headSeq: 9 })
    const { changes } = await pullAll(server.url, ws.workspaceId, ws.masterToken)
    expect(changes.filter((c) => c.key === keyOf("a")).map((c) => [c.seq, c.kind, unb64(c.data)])).toEqual([[9, "snapshot", "a-all-2"]])
    const { kept, actual } = await counters(ws)
    expect(kept).toEqual(actual)
  })

  it("refuses covers past the head with 409 CompactionConflict and changes nothing", async () => {
    const ws = await createWorkspace(server.url)
    await seedThreeDocuments(ws)
    const before = await info(server.url, ws.workspaceId, ws.masterToken)
    const reply = await compact(server.url, ws.workspaceId, ws.masterToken, {
      doc: "a",
      covers: 7,
      clientSeq: 100,
      text: "from the future"
    })
    expect(reply.status).toBe(409)
    expect(reply.body._tag).toBe("CompactionConflict")
    expect(reply.body.message).toMatch(/head 6/)
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toEqual(before)
  })

  it("a retried compaction returns its first seq and removes nothing; other bytes under its clientSeq get 409", async () => {
    const ws = await createWorkspace(server.url)
    await seedThreeDocuments(ws)
    const first = await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 5, clientSeq: 100, text: "snap" })
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 7, text: "a4", doc: "a" }])
    const retry = await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 5, clientSeq: 100, text: "snap" })
    expect(retry.status).toBe(200)
    expect(retry.body).toEqual({ seq: first.body.seq, removed: 0, headSeq: 8 })
    const before = await info(server.url, ws.workspaceId, ws.masterToken)
    for (const other of [
      { doc: "a", covers: 5, clientSeq: 100, text: "other snapshot" },
      { doc: "b", covers: 5, clientSeq: 100, text: "snap" },
      // A push's clientSeq is the same counter: a compaction cannot take it over.
      { doc: "a", covers: 5, clientSeq: 7, text: "a4" }
    ]) {
      const reused = await compact(server.url, ws.workspaceId, ws.masterToken, other)
      expect(reused.status).toBe(409)
      expect(reused.body).toMatchObject({ _tag: "ClientSeqReused", clientSeq: other.clientSeq })
    }
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toEqual(before)
  })

  it("a retry of a change that compaction already removed is stored again, never refused: its content is in the snapshot", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "edit", doc: "a" }])
    await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "a", covers: 1, clientSeq: 2, text: "snapshot with the edit" })
    const retry = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "edit", doc: "a" }])
    expect(retry.body).toEqual({ results: [{ clientSeq: 1, seq: 3 }], headSeq: 3 })
  })

  it("any device of the workspace may compact, and its long-polls wake", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    await seedThreeDocuments(ws)
    const waiting = request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=6&timeout=20`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const reply = await compact(server.url, ws.workspaceId, device.deviceToken, { doc: "c", covers: 6, clientSeq: 1, text: "c" })
    expect(reply.body).toEqual({ seq: 7, removed: 1, headSeq: 7 })
    expect((await waiting).body).toEqual({ headSeq: 7 })
    const { changes } = await pullAll(server.url, ws.workspaceId, device.deviceToken)
    expect(changes.at(-1)).toMatchObject({ seq: 7, deviceId: device.deviceId, kind: "snapshot" })
  })

  it("checks the quota on the result: a compaction that frees space goes through at the quota, one that grows past it gets 413", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "x".repeat(900), doc: "big" },
      { clientSeq: 2, text: "y".repeat(900), doc: "big" },
      { clientSeq: 3, text: "z".repeat(100), doc: "small" }
    ])
    const full = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 4, text: "w".repeat(200) }])
    expect(full.status).toBe(413)
    const growing = await compact(server.url, ws.workspaceId, ws.masterToken, {
      doc: "small",
      covers: 3,
      clientSeq: 5,
      text: "s".repeat(300)
    })
    expect(growing.status).toBe(413)
    expect(growing.body).toMatchObject({ _tag: "QuotaExceeded", quotaBytes: 2000, bytesUsed: 1900 })
    const shrinking = await compact(server.url, ws.workspaceId, ws.masterToken, {
      doc: "big",
      covers: 3,
      clientSeq: 5,
      text: "b".repeat(1000)
    })
    expect(shrinking.body).toEqual({ seq: 4, removed: 2, headSeq: 4 })
    expect((await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 6, text: "w".repeat(200) }])).status).toBe(200)
    const { kept, actual } = await counters(ws)
    expect(kept).toEqual(actual)
    expect(kept).toEqual({ changeCount: 3, bytesUsed: 1300 })
  })

  it("refuses a bad key or a negative covers with 400", async () => {
    const ws = await createWorkspace(server.url)
    const path = `/workspaces/${ws.workspaceId}/compactions`
    for (const json of [
      { key: "short", covers: 0, clientSeq: 1, data: b64("s") },
      { key: keyOf("a"), covers: -1, clientSeq: 1, data: b64("s") },
      { key: keyOf("a"), covers: 0, clientSeq: 0, data: b64("s") },
      { key: keyOf("a"), covers: 0, clientSeq: 1 }
    ]) {
      const reply = await request(server.url, "POST", path, { token: ws.masterToken, json })
      expect(reply.status, JSON.stringify(json)).toBe(400)
    }
  })
})
