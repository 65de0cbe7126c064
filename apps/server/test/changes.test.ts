import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { b64, createWorkspace, info, keyOf, pairDevice, push, request, unb64 } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

describe.each(testDatabases())("the change log on $name", (database) => {
  const server = serverPerSuite(database)

  const pull = (ws: { workspaceId: string; masterToken: string }, query: string) =>
    request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?${query}`, { token: ws.masterToken })

  it("assigns seqs 1, 2, 3 in push order and reports the head, the count and the bytes", async () => {
    const ws = await createWorkspace(server.url)
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "a" },
      { clientSeq: 2, text: "b", doc: "other" },
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
    const workspace = await info(server.url, ws.workspaceId, ws.masterToken)
    expect(workspace).toEqual({
      workspaceId: ws.workspaceId,
      headSeq: 3,
      changeCount: 3,
      bytesUsed: 3,
      quotaBytes: 1024 * 1024 * 1024,
      createdAt: expect.any(String)
    })
    expect(new Date(workspace.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)
  })

  it("pulls each change with its seq, device, key and kind", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "first", doc: "note-1" },
      { clientSeq: 2, text: "second", doc: "note-2" }
    ])
    const pulled = await pull(ws, "after=0")
    expect(pulled.body).toEqual({
      changes: [
        { seq: 1, deviceId: ws.deviceId, key: keyOf("note-1"), kind: "update", data: b64("first") },
        { seq: 2, deviceId: ws.deviceId, key: keyOf("note-2"), kind: "update", data: b64("second") }
      ],
      headSeq: 2,
      hasMore: false
    })
  })

  it("re-pushing the same clientSeq with the same bytes returns the first seq and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    const first = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 7, text: "original" }])
    expect(first.body.results).toEqual([{ clientSeq: 7, seq: 1 }])
    const again = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 7, text: "original" },
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
    const pulled = await pull(ws, "after=0")
    expect(pulled.body.changes.map((c: { data: string }) => unb64(c.data))).toEqual(["original", "new"])
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toMatchObject({
      changeCount: 2,
      bytesUsed: "original".length + "new".length
    })
  })

  it("refuses a whole push with 409 ClientSeqReused when a clientSeq comes back with other bytes, and stores none of it", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "original" }])
    const before = await info(server.url, ws.workspaceId, ws.masterToken)
    const cases = [
      [
        { clientSeq: 2, text: "new, would be fine alone" },
        { clientSeq: 1, text: "other bytes" }
      ],
      [{ clientSeq: 1, text: "original", doc: "another document" }],
      [
        { clientSeq: 3, text: "same clientSeq twice" },
        { clientSeq: 3, text: "with different bytes" }
      ]
    ]
    for (const changes of cases) {
      const refused = await push(server.url, ws.workspaceId, ws.masterToken, changes)
      expect(refused.status).toBe(409)
      expect(refused.body).toMatchObject({ _tag: "ClientSeqReused", clientSeq: changes.at(-1)!.clientSeq })
      expect(refused.body.message).toMatch(/different bytes/)
    }
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toEqual(before)
    expect((await pull(ws, "after=0")).body.changes.map((c: { data: string }) => unb64(c.data))).toEqual(["original"])
  })

  it("stores the same change sent twice in one push once", async () => {
    const ws = await createWorkspace(server.url)
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 4, text: "twice" },
      { clientSeq: 4, text: "twice" }
    ])
    expect(reply.body).toEqual({
      results: [
        { clientSeq: 4, seq: 1 },
        { clientSeq: 4, seq: 1 }
      ],
      headSeq: 1
    })
  })

  it("keys idempotency by device: two devices may use the same clientSeq", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const a = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "from master" }])
    const b = await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "from device" }])
    expect(a.body.results).toEqual([{ clientSeq: 1, seq: 1 }])
    expect(b.body.results).toEqual([{ clientSeq: 1, seq: 2 }])
    const pulled = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes`, { token: device.deviceToken })
    expect(pulled.body.changes.map((c: { deviceId: string; data: string }) => [c.deviceId, unb64(c.data)])).toEqual([
      [ws.deviceId, "from master"],
      [device.deviceId, "from device"]
    ])
  })

  it("refuses a push of more than 1,000 changes with 400 and stores none of them", async () => {
    const ws = await createWorkspace(server.url)
    const changes = Array.from({ length: 1001 }, (_, i) => ({ clientSeq: i + 1, text: "x" }))
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, changes)
    expect(reply.status).toBe(400)
    expect(reply.body._tag).toBe("HttpApiDecodeError")
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).headSeq).toBe(0)
  })

  it("pages through the log with after and limit", async () => {
    const ws = await createWorkspace(server.url)
    const changes = Array.from({ length: 25 }, (_, i) => ({ clientSeq: i + 1, text: `change ${i + 1}` }))
    await push(server.url, ws.workspaceId, ws.masterToken, changes)
    const seen: Array<string> = []
    let after = 0
    let pages = 0
    for (;;) {
      const page = await pull(ws, `after=${after}&limit=10`)
      expect(page.status).toBe(200)
      expect(page.body.headSeq).toBe(25)
      pages += 1
      for (const change of page.body.changes) seen.push(unb64(change.data))
      after = page.body.changes.at(-1)?.seq ?? after
      if (!page.body.hasMore) break
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(changes.map((c) => c.text))
    expect((await pull(ws, "after=25")).body).toEqual({ changes: [], headSeq: 25, hasMore: false })
  })

  it("stops a page before its data passes maxBytes, and always carries at least one change", async () => {
    const ws = await createWorkspace(server.url)
    const sizes = [100, 300, 50, 50, 1000, 10, 10]
    await push(
      server.url,
      ws.workspaceId,
      ws.masterToken,
      sizes.map((size, i) => ({ clientSeq: i + 1, text: "x".repeat(size) }))
    )
    const pageSizes = async (maxBytes: number) => {
      const pages: Array<Array<number>> = []
      let after = 0
      for (;;) {
        const page = await pull(ws, `after=${after}&maxBytes=${maxBytes}`)
        pages.push(page.body.changes.map((c: { data: string }) => unb64(c.data).length))
        after = page.body.changes.at(-1).seq
        if (!page.body.hasMore) return pages
      }
    }
    expect(await pageSizes(400)).toEqual([[100, 300], [50, 50], [1000], [10, 10]])
    expect(await pageSizes(1)).toEqual(sizes.map((size) => [size]))
    expect(await pageSizes(10_000)).toEqual([sizes])
    const bad = await pull(ws, "maxBytes=0")
    expect(bad.status).toBe(400)
  })

  it("answers a long-poll within milliseconds of a push", async () => {
    const ws = await createWorkspace(server.url)
    const started = Date.now()
    const waiting = request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=20`, { token: ws.masterToken })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "wake" }])
    const woken = await waiting
    expect(woken.status).toBe(200)
    expect(woken.body).toEqual({ headSeq: 1 })
    // Woken by the push, not by the 20 s timeout.
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it("answers a long-poll at once when the head is already past after, and at the timeout otherwise", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x" }])
    const ready = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=30`, {
      token: ws.masterToken
    })
    expect(ready.body).toEqual({ headSeq: 1 })
    const started = Date.now()
    const idle = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=1&timeout=1`, { token: ws.masterToken })
    expect(idle.status).toBe(200)
    expect(idle.body).toEqual({ headSeq: 1 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
  })

  it("answers a long-poll asked with a limit with the changes that woke it, paged like a pull; a timeout carries none", async () => {
    const ws = await createWorkspace(server.url)
    const wait = (query: string) =>
      request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?${query}`, { token: ws.masterToken })
    const waiting = wait("after=0&timeout=20&limit=2")
    await new Promise((resolve) => setTimeout(resolve, 200))
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "one" },
      { clientSeq: 2, text: "two", doc: "other" },
      { clientSeq: 3, text: "three" }
    ])
    const woken = await waiting
    expect(woken.status).toBe(200)
    const asPulled = await pull(ws, "after=0&limit=2")
    expect(woken.body).toEqual({ ...asPulled.body, headSeq: 3, hasMore: true })
    expect(woken.body.changes.map((c: { seq: number; data: string }) => [c.seq, unb64(c.data)])).toEqual([
      [1, "one"],
      [2, "two"]
    ])
    const rest = await wait("after=2&timeout=20&limit=10&maxBytes=1")
    expect(rest.body).toEqual({ headSeq: 3, changes: [expect.objectContaining({ seq: 3 })], hasMore: false })
    const idle = await wait("after=3&timeout=1&limit=10")
    expect(idle.body).toEqual({ headSeq: 3 })
    expect((await wait("after=0&timeout=1&limit=0")).status).toBe(400)

    // Woken by a push whose changes make the whole page (answered without reading the log), by
    // one the bounds cut short; a waiter behind the head is answered at once from the log.
    const wokenBy = async (query: string, changes: ReadonlyArray<{ clientSeq: number; text: string; doc?: string }>) => {
      const waiting = wait(query)
      await new Promise((resolve) => setTimeout(resolve, 200))
      await push(server.url, ws.workspaceId, ws.masterToken, changes)
      return (await waiting).body
    }
    const whole = await wokenBy("after=3&timeout=20&limit=10", [
      { clientSeq: 4, text: "four" },
      { clientSeq: 5, text: "five", doc: "other" }
    ])
    expect(whole).toEqual((await pull(ws, "after=3&limit=10")).body)
    expect(whole.changes.map((c: { seq: number; data: string }) => [c.seq, unb64(c.data)])).toEqual([
      [4, "four"],
      [5, "five"]
    ])
    const cut = await wokenBy("after=5&timeout=20&limit=10&maxBytes=4", [
      { clientSeq: 6, text: "six" },
      { clientSeq: 7, text: "seven" }
    ])
    expect(cut).toEqual({ ...(await pull(ws, "after=5&limit=10&maxBytes=4")).body, headSeq: 7 })
    expect(cut).toMatchObject({ changes: [expect.objectContaining({ seq: 6 })], hasMore: true })
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 8, text: "eight" }])
    expect(await wokenBy("after=7&timeout=20&limit=10", [{ clientSeq: 9, text: "nine" }])).toMatchObject({
      headSeq: 8,
      changes: [expect.objectContaining({ seq: 8 })],
      hasMore: false
    })
  })
})
