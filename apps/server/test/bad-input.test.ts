import { rm } from "node:fs/promises"
import { request as httpRequest } from "node:http"
import { describe, expect, it } from "vitest"
import { tempDir, testDatabases } from "./support/databases.js"
import { b64, compact, createWorkspace, keyOf, push, request } from "./support/Http.js"
import { runServerExpectingFailure, serverPerSuite } from "./support/TestServer.js"

/** Sends a body in chunks without a Content-Length, as a streaming client would. */
const sendChunked = (url: string, token: string, chunks: ReadonlyArray<string>) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server's JSON, as it came: each test asserts the fields it reads
  new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked", authorization: `Bearer ${token}` }
    })
    req.on("response", (res) => {
      let text = ""
      res.on("data", (chunk) => (text += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on("error", reject)
    for (const chunk of chunks) req.write(chunk)
    req.end()
  })

describe.each(testDatabases())("bad input on $name", (database) => {
  const server = serverPerSuite(database, { MAX_BODY_BYTES: "4096", WORKSPACE_QUOTA_BYTES: "1000" })

  const headSeq = async (ws: { workspaceId: string; masterToken: string }) =>
    (await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).body.headSeq

  it("answers malformed JSON with 400 MalformedBody and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    const key = keyOf("doc")
    for (const body of ['{"changes": [', "not json", `{"changes": [{"clientSeq": 1, "key": "${key}", "data": "aGk="}]`]) {
      const reply = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/changes`, {
        token: ws.masterToken,
        body,
        headers: { "content-type": "application/json" }
      })
      expect(reply.status, body).toBe(400)
      expect(reply.body._tag, body).toBe("MalformedBody")
    }
    expect(await headSeq(ws)).toBe(0)
  })

  it("answers bad base64, bad keys and wrong shapes with 400 and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    const key = keyOf("doc")
    const bad: Array<unknown> = [
      { changes: [{ clientSeq: 1, key, data: "not base64!" }] },
      { changes: [{ clientSeq: 1, key, data: "abc" }] },
      { changes: [{ clientSeq: 0, key, data: "aGk=" }] },
      { changes: [{ clientSeq: -1, key, data: "aGk=" }] },
      { changes: [{ clientSeq: 1.5, key, data: "aGk=" }] },
      { changes: [{ key, data: "aGk=" }] },
      { changes: [{ clientSeq: 1, data: "aGk=" }] },
      // Keys are base64url of 16 to 32 bytes.
      { changes: [{ clientSeq: 1, key: Buffer.alloc(15).toString("base64url"), data: "aGk=" }] },
      { changes: [{ clientSeq: 1, key: Buffer.alloc(33).toString("base64url"), data: "aGk=" }] },
      { changes: [{ clientSeq: 1, key: Buffer.alloc(16, 0xff).toString("base64"), data: "aGk=" }] },
      { changes: [{ clientSeq: 1, key: `${key}=`, data: "aGk=" }] },
      { changes: [{ clientSeq: 1, key: 16, data: "aGk=" }] },
      { changes: [] },
      {},
      []
    ]
    for (const json of bad) {
      const reply = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/changes`, { token: ws.masterToken, json })
      expect(reply.status, JSON.stringify(json)).toBe(400)
      expect(typeof reply.body.message).toBe("string")
    }
    expect(await headSeq(ws)).toBe(0)
  })

  it("answers a path that is not a uuid, or an unknown endpoint, clearly", async () => {
    const ws = await createWorkspace(server.url)
    const notUuid = await request(server.url, "GET", "/workspaces/not-a-uuid", { token: ws.masterToken })
    expect(notUuid.status).toBe(400)
    expect(notUuid.body._tag).toBe("HttpApiDecodeError")
    const badQuery = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=-1`, { token: ws.masterToken })
    expect(badQuery.status).toBe(400)
    const bigLimit = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?limit=5000`, { token: ws.masterToken })
    expect(bigLimit.status).toBe(400)
    const longWait = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes/wait?after=0&timeout=600`, {
      token: ws.masterToken
    })
    expect(longWait.status).toBe(400)
    const unknown = await request(server.url, "GET", "/nothing/here")
    expect(unknown.status).toBe(404)
    expect(unknown.body._tag).toBe("RouteNotFound")
  })

  it("refuses a body past MAX_BODY_BYTES with 413, declared or streamed, and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    const big = { changes: [{ clientSeq: 1, key: keyOf("doc"), data: b64("x".repeat(5000)) }] }
    const declared = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/changes`, { token: ws.masterToken, json: big })
    expect(declared.status).toBe(413)
    expect(declared.body).toMatchObject({ _tag: "PayloadTooLarge", maxBytes: 4096 })
    const text = JSON.stringify(big)
    const streamed = await sendChunked(`${server.url}/api/v1/workspaces/${ws.workspaceId}/changes`, ws.masterToken, [
      text.slice(0, 2000),
      text.slice(2000, 4000),
      text.slice(4000)
    ])
    expect(streamed.status).toBe(413)
    expect(streamed.body._tag).toBe("PayloadTooLarge")
    const small = await sendChunked(`${server.url}/api/v1/workspaces/${ws.workspaceId}/changes`, ws.masterToken, [
      '{"changes": [{"clientSeq": 1, ',
      `"key": "${keyOf("doc")}", "data": "${b64("small")}"}]}`
    ])
    expect(small.status).toBe(200)
    expect(await headSeq(ws)).toBe(1)
  })

  it("refuses a change too large to come back in one page with 413, though its request fits", async () => {
    const ws = await createWorkspace(server.url)
    // 2,800 bytes are 3,736 in base64: the push fits 4,096, a page holding it would not.
    const reply = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x".repeat(2800) }])
    expect(reply.status).toBe(413)
    expect(reply.body).toMatchObject({ _tag: "PayloadTooLarge", maxBytes: 2736 })
    expect(await headSeq(ws)).toBe(0)
  })

  it("refuses a push past the workspace quota with 413 QuotaExceeded and stores nothing", async () => {
    const ws = await createWorkspace(server.url)
    expect((await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x".repeat(900) }])).status).toBe(200)
    const over = await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 2, text: "y".repeat(50) },
      { clientSeq: 3, text: "z".repeat(100) }
    ])
    expect(over.status).toBe(413)
    expect(over.body).toMatchObject({ _tag: "QuotaExceeded", quotaBytes: 1000, bytesUsed: 900 })
    expect(await headSeq(ws)).toBe(1)
    // A compaction that frees space is accepted and makes room again.
    const snap = await compact(server.url, ws.workspaceId, ws.masterToken, { doc: "doc", covers: 1, clientSeq: 4, text: "s" })
    expect(snap.status).toBe(200)
    expect((await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 2, text: "y".repeat(50) }])).status).toBe(200)
  })
})

describe.each(testDatabases())("rate limiting on $name", (database) => {
  const server = serverPerSuite(database, { RATE_LIMIT_PER_MINUTE: "3" })

  it("limits the endpoints anyone may call, per address, and not the others", async () => {
    const created = await Promise.all([1, 2, 3].map(() => request(server.url, "POST", "/workspaces", { json: {} })))
    expect(created.map((r) => r.status)).toEqual([201, 201, 201])
    const limited = await request(server.url, "POST", "/workspaces", { json: {} })
    expect(limited.status).toBe(429)
    expect(limited.body._tag).toBe("RateLimited")
    expect(limited.body.retryAfterSeconds).toBeGreaterThanOrEqual(1)
    expect(limited.body.retryAfterSeconds).toBeLessThanOrEqual(20)

    const ws = created[0]!.body
    const pair = await request(server.url, "POST", "/pair", { json: { workspaceId: ws.workspaceId, code: "x", label: "x" } })
    expect(pair.status).toBe(429)
    const restore = await request(server.url, "POST", "/workspaces/restore", {
      body: new Uint8Array([1, 2, 3]),
      headers: { "content-type": "application/octet-stream" }
    })
    expect(restore.status).toBe(429)

    for (let i = 0; i < 10; i++) {
      expect((await request(server.url, "GET", "/health")).status).toBe(200)
      expect((await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).status).toBe(200)
    }
  })
})

describe("configuration", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "70000"],
    ["MAX_BODY_BYTES", "-5"],
    ["WORKSPACE_QUOTA_BYTES", "lots"],
    ["SERVER_QUOTA_BYTES", "0"],
    ["DATABASE_URL", "mysql://localhost/quire"],
    ["JWT_SECRET", "short"],
    ["LOG_LEVEL", "loud"]
  ])("a bad %s (%s) stops the start with one line naming it", async (name, value) => {
    const dataDir = await tempDir("config")
    const { code, output } = await runServerExpectingFailure({ DATA_DIR: dataDir, [name]: value })
    await rm(dataDir, { recursive: true, force: true })
    expect(code).not.toBe(0)
    const lines = output.trim().split("\n")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain(name)
    expect(lines[0]).toMatch(/^Invalid configuration/)
  })
})
