import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { compact, createWorkspace, keyOf, pairDevice, pullAll, push, request, unb64 } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe.each(testDatabases())("concurrent pushes on $name", (database) => {
  const server = serverPerSuite(database)

  it("100 concurrent pushes from 5 devices get seqs 1..100 with no gap and no duplicate", async () => {
    const base = server.url
    const ws = await createWorkspace(base)
    const devices = [{ deviceId: ws.deviceId, deviceToken: ws.masterToken }]
    for (let i = 0; i < 4; i++) devices.push(await pairDevice(base, ws.workspaceId, ws.masterToken, `device ${i}`))

    const replies = await Promise.all(
      devices.flatMap((device, d) =>
        range(20).map((clientSeq) => push(base, ws.workspaceId, device.deviceToken, [{ clientSeq, text: `d${d}-c${clientSeq}` }]))
      )
    )
    expect(replies.every((reply) => reply.status === 200)).toBe(true)
    const seqs = replies.map((reply) => reply.body.results[0].seq as number).sort((a, b) => a - b)
    expect(seqs).toEqual(range(100))

    const pulled = await request(base, "GET", `/workspaces/${ws.workspaceId}/changes?after=0&limit=1000`, { token: ws.masterToken })
    expect(pulled.body.headSeq).toBe(100)
    expect(pulled.body.changes.map((c: { seq: number }) => c.seq)).toEqual(range(100))
    const texts = pulled.body.changes.map((c: { data: string }) => unb64(c.data)).sort()
    expect(texts).toEqual(devices.flatMap((_, d) => range(20).map((c) => `d${d}-c${c}`)).sort())
    // Per device, the log keeps each device's own order of acknowledgement.
    for (const [d, device] of devices.entries()) {
      const own = pulled.body.changes.filter((c: { deviceId: string }) => c.deviceId === device.deviceId)
      expect(own).toHaveLength(20)
      expect(new Set(own.map((c: { data: string }) => unb64(c.data))).size).toBe(20)
      expect(own.every((c: { data: string }) => unb64(c.data).startsWith(`d${d}-`))).toBe(true)
    }
  })

  it("the same batch pushed concurrently five times is stored once", async () => {
    const base = server.url
    const ws = await createWorkspace(base)
    const batch = range(10).map((clientSeq) => ({ clientSeq, text: `same ${clientSeq}` }))
    const replies = await Promise.all(range(5).map(() => push(base, ws.workspaceId, ws.masterToken, batch)))
    for (const reply of replies) {
      expect(reply.status).toBe(200)
      expect(reply.body.results).toEqual(replies[0]!.body.results)
    }
    const info = await request(base, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(info.body.headSeq).toBe(10)
  })

  it("workspaces do not share seqs: each counts from 1", async () => {
    const base = server.url
    const [a, b] = await Promise.all([createWorkspace(base), createWorkspace(base)])
    const replies = await Promise.all(
      range(10).flatMap((clientSeq) => [
        push(base, a.workspaceId, a.masterToken, [{ clientSeq, text: `a${clientSeq}` }]),
        push(base, b.workspaceId, b.masterToken, [{ clientSeq, text: `b${clientSeq}` }])
      ])
    )
    const seqsOf = (index: number) =>
      replies
        .filter((_, i) => i % 2 === index)
        .map((r) => r.body.results[0].seq as number)
        .sort((x, y) => x - y)
    expect(seqsOf(0)).toEqual(range(10))
    expect(seqsOf(1)).toEqual(range(10))
    const pulledA = await request(base, "GET", `/workspaces/${a.workspaceId}/changes`, { token: a.masterToken })
    expect(pulledA.body.changes.every((c: { data: string }) => unb64(c.data).startsWith("a"))).toBe(true)
  })

  it("two devices compacting one document while a third pushes to it lose nothing", async () => {
    const base = server.url
    const ws = await createWorkspace(base)
    const [a, b, c] = [
      { deviceToken: ws.masterToken },
      await pairDevice(base, ws.workspaceId, ws.masterToken, "a"),
      await pairDevice(base, ws.workspaceId, ws.masterToken, "b")
    ]
    await push(
      base,
      ws.workspaceId,
      c.deviceToken,
      range(10).map((clientSeq) => ({ clientSeq, text: `early ${clientSeq}` }))
    )
    const pushes = range(30).map((i) => push(base, ws.workspaceId, c.deviceToken, [{ clientSeq: 10 + i, text: `late ${i}` }]))
    // Each compactor covers the head it last saw, as a client covers its pull cursor.
    const compactions = [a, b].flatMap((device, d) =>
      range(5).map(async (i) => {
        const { headSeq } = (await request(base, "GET", `/workspaces/${ws.workspaceId}`, { token: device.deviceToken })).body
        const reply = await compact(base, ws.workspaceId, device.deviceToken, {
          doc: "doc",
          covers: headSeq,
          clientSeq: 100 + i,
          text: `snapshot ${d}.${i} to ${headSeq}`
        })
        return { covers: headSeq, reply }
      })
    )
    const pushed = await Promise.all(pushes)
    const compacted = await Promise.all(compactions)
    expect(pushed.every((reply) => reply.status === 200)).toBe(true)
    expect(compacted.every(({ reply }) => reply.status === 200)).toBe(true)

    const { changes } = await pullAll(base, ws.workspaceId, ws.masterToken)
    const present = new Set(changes.map((change) => change.seq))
    const snapshotsCovering = (seq: number) => compacted.filter(({ covers, reply }) => covers >= seq && present.has(reply.body.seq))
    // Every pushed change is still there, or a snapshot still there covers it.
    const pushedSeqs = [...range(10), ...pushed.map((reply) => reply.body.results[0].seq as number)]
    for (const seq of pushedSeqs) expect(present.has(seq) || snapshotsCovering(seq).length > 0, `change ${seq}`).toBe(true)
    expect(changes.every((change) => change.key === keyOf("doc"))).toBe(true)
    const [counted] = await server.sql<{ n: string }>("SELECT count(*) AS n FROM changes WHERE workspace_id = $1", [ws.workspaceId])
    expect((await request(base, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).body.changeCount).toBe(
      Number(counted!.n)
    )
  })
})
