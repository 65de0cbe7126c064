import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { b64, createWorkspace, pairDevice, push, request, unb64 } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

describe.each(testDatabases())("the change log on $name", (database) => {
  const server = serverPerSuite(database)

  it("assigns seqs 1, 2, 3 in push order and reports the head", async () => {
    const ws = await createWorkspace(server.url)
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "a" },
      { clientSeq: 2, text: "b" },
      { clientSeq: 3, text: "c" }
    ])
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({
      results: [
        { clientSeq: 1, seq: 1 },
        { clientSeq: 2, seq: 2 },
        { clientSeq: 3, seq: 3 }
      ],
      headSeq: 3
    })
    const info = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(info.status).toBe(200)
    expect(info.body).toMatchObject({ workspaceId: ws.workspaceId, headSeq: 3, snapshotSeq: 0, bytesUsed: 3 })
    expect(new Date(info.body.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it("re-pushing the same clientSeq returns the first seq and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    const first = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 7, text: "original" }])
    expect(first.body.results).toEqual([{ clientSeq: 7, seq: 1 }])
    const again = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 7, text: "a different body is ignored" },
      { clientSeq: 8, text: "new" }
    ])
    expect(again.status).toBe(200)
    expect(again.body).toEqual({
      results: [
        { clientSeq: 7, seq: 1 },
        { clientSeq: 8, seq: 2 }
      ],
      headSeq: 2
    })
    const pulled = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=0`, { token: ws.masterToken })
    expect(pulled.body.changes.map((c: { data: string }) => unb64(c.data))).toEqual(["original", "new"])
    const info = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(info.body.bytesUsed).toBe("original".length + "new".length)
  })

  it("keys idempotency by device: two devices may use the same clientSeq", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const a = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "from master" }])
    const b = await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "from device" }])
    expect(a.body.results).toEqual([{ clientSeq: 1, seq: 1 }])
    expect(b.body.results).toEqual([{ clientSeq: 1, seq: 2 }])
    const pulled = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes`, { token: device.deviceToken })
    expect(pulled.body.changes).toEqual([
      { seq: 1, deviceId: ws.deviceId, data: b64("from master") },
      { seq: 2, deviceId: device.deviceId, data: b64("from device") }
    ])
  })

  it("refuses a push of more than 1,000 changes with 400 and stores none of them", async () => {
    const ws = await createWorkspace(server.url)
    const changes = Array.from({ length: 1001 }, (_, i) => ({ clientSeq: i + 1, text: "x" }))
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, changes)
    expect(reply.status).toBe(400)
    expect(reply.body._tag).toBe("HttpApiDecodeError")
    const info = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(info.body.headSeq).toBe(0)
  })

  it("pages through the log with after and limit", async () => {
    const ws = await createWorkspace(server.url)
    const changes = Array.from({ length: 25 }, (_, i) => ({ clientSeq: i + 1, text: `change ${i + 1}` }))
    await push(server.url, ws.workspaceId, ws.masterToken, changes)
    const seen: Array<string> = []
    let after = 0
    let pages = 0
    for (;;) {
      const page = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=${after}&limit=10`, { token: ws.masterToken })
      expect(page.status).toBe(200)
      expect(page.body.snapshot).toBeNull()
      expect(page.body.headSeq).toBe(25)
      pages += 1
      for (const change of page.body.changes) seen.push(unb64(change.data))
      after = page.body.changes.at(-1)?.seq ?? after
      if (!page.body.hasMore) break
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(changes.map((c) => c.text))
    const past = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=25`, { token: ws.masterToken })
    expect(past.body).toEqual({ snapshot: null, changes: [], headSeq: 25, hasMore: false })
  })

  it("serves snapshot + tail after compaction and prunes what the snapshot covers", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, Array.from({ length: 6 }, (_, i) => ({ clientSeq: i + 1, text: `c${i + 1}` })))
    const snap = await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/snapshot`, {
      token: ws.masterToken,
      json: { seq: 4, data: b64("snapshot through 4") }
    })
    expect(snap.status).toBe(200)
    expect(snap.body).toEqual({ snapshotSeq: 4 })

    const fresh = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=0`, { token: ws.masterToken })
    expect(fresh.body.snapshot).toEqual({ seq: 4, data: b64("snapshot through 4") })
    expect(fresh.body.changes.map((c: { seq: number }) => c.seq)).toEqual([5, 6])
    expect(fresh.body.hasMore).toBe(false)

    const caughtUp = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=5`, { token: ws.masterToken })
    expect(caughtUp.body.snapshot).toBeNull()
    expect(caughtUp.body.changes.map((c: { seq: number }) => c.seq)).toEqual([6])

    const info = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(info.body).toMatchObject({ headSeq: 6, snapshotSeq: 4, bytesUsed: "snapshot through 4".length + 4 })
  })

  it("refuses a snapshot that is stale or past the head with 409", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "x" },
      { clientSeq: 2, text: "y" }
    ])
    const past = await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/snapshot`, { token: ws.masterToken, json: { seq: 3, data: b64("s") } })
    expect(past.status).toBe(409)
    expect(past.body._tag).toBe("SnapshotConflict")
    await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/snapshot`, { token: ws.masterToken, json: { seq: 2, data: b64("s") } })
    const stale = await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/snapshot`, { token: ws.masterToken, json: { seq: 1, data: b64("s") } })
    expect(stale.status).toBe(409)
    expect(stale.body).toMatchObject({ _tag: "SnapshotConflict" })
    expect(typeof stale.body.message).toBe("string")
  })

  it("answers a long-poll within milliseconds of a push", async () => {
    const ws = await createWorkspace(server.url)
    const started = Date.now()
    const waiting = request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=20`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 200))
    const pushedAt = Date.now()
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "wake" }])
    const woken = await waiting
    expect(woken.status).toBe(200)
    expect(woken.body).toEqual({ headSeq: 1 })
    // Woken by the push, not by the 20 s timeout.
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(Date.now()).toBeGreaterThanOrEqual(pushedAt)
  })

  it("answers a long-poll at once when the head is already past after, and at the timeout otherwise", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x" }])
    const ready = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=30`, { token: ws.masterToken })
    expect(ready.body).toEqual({ headSeq: 1 })
    const started = Date.now()
    const idle = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=1&timeout=1`, { token: ws.masterToken })
    expect(idle.status).toBe(200)
    expect(idle.body).toEqual({ headSeq: 1 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })
})
