import { Limits } from "@quire/shared"
import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { createWorkspace, info, keyOf, octets, pairDevice, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const quota = 6 * 1024 * 1024

describe.each(testDatabases())("blobs on $name", (database) => {
  // MAX_BODY_BYTES below the blob size: blobs are bounded by the protocol's blob size instead.
  const server = serverPerSuite(database, { WORKSPACE_QUOTA_BYTES: String(quota), MAX_BODY_BYTES: String(64 * 1024) })

  const blobPath = (workspaceId: string, id: string) => `/workspaces/${workspaceId}/blobs/${id}`
  const put = (workspaceId: string, token: string, id: string, bytes: Uint8Array) =>
    request(server.url, "PUT", blobPath(workspaceId, id), { token, ...octets(bytes) })

  it("stores a blob once: 201 new, 200 for the same bytes again, 409 BlobConflict for other bytes", async () => {
    const ws = await createWorkspace(server.url)
    const bytes = new Uint8Array(randomBytes(1000))
    const id = keyOf("chunk")
    const created = await put(ws.workspaceId, ws.masterToken, id, bytes)
    expect(created.status).toBe(201)
    expect(created.body).toEqual({ stored: "new" })
    const again = await put(ws.workspaceId, ws.masterToken, id, bytes)
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ stored: "already" })
    const other = await put(ws.workspaceId, ws.masterToken, id, new Uint8Array(randomBytes(1000)))
    expect(other.status).toBe(409)
    expect(other.body._tag).toBe("BlobConflict")
    const got = await request(server.url, "GET", blobPath(ws.workspaceId, id), { token: ws.masterToken })
    expect(got.status).toBe(200)
    expect(got.headers.get("content-type")).toBe("application/octet-stream")
    expect(Buffer.from(got.body).equals(Buffer.from(bytes))).toBe(true)
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(1000)
  })

  it("serves a blob of the largest size to a paired device, and answers 404 BlobNotFound for an unknown id", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const bytes = new Uint8Array(randomBytes(Limits.maxBlobBytes))
    expect((await put(ws.workspaceId, device.deviceToken, keyOf("largest"), bytes)).status).toBe(201)
    const got = await request(server.url, "GET", blobPath(ws.workspaceId, keyOf("largest")), { token: ws.masterToken })
    expect(Buffer.from(got.body).equals(Buffer.from(bytes))).toBe(true)
    const missing = await request(server.url, "GET", blobPath(ws.workspaceId, keyOf("never stored")), { token: device.deviceToken })
    expect(missing.status).toBe(404)
    expect(missing.body._tag).toBe("BlobNotFound")
  })

  it("refuses a blob past the blob size with 413 PayloadTooLarge and a bad id with 400", async () => {
    const ws = await createWorkspace(server.url)
    const tooBig = await put(ws.workspaceId, ws.masterToken, keyOf("big"), new Uint8Array(Limits.maxBlobBytes + 1))
    expect(tooBig.status).toBe(413)
    expect(tooBig.body).toMatchObject({ _tag: "PayloadTooLarge", maxBytes: Limits.maxBlobBytes })
    for (const id of ["short", Buffer.alloc(33).toString("base64url"), "not+base64url/"]) {
      const bad = await put(ws.workspaceId, ws.masterToken, encodeURIComponent(id), new Uint8Array([1]))
      expect(bad.status, id).toBe(400)
    }
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(0)
  })

  it("tells which blobs are missing, in the order asked, each once", async () => {
    const ws = await createWorkspace(server.url)
    await put(ws.workspaceId, ws.masterToken, keyOf("have-1"), new Uint8Array([1]))
    await put(ws.workspaceId, ws.masterToken, keyOf("have-2"), new Uint8Array([2]))
    const ids = ["lack-1", "have-1", "lack-2", "have-2", "lack-1"].map(keyOf)
    const reply = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/blobs/missing`, { token: ws.masterToken, json: { ids } })
    expect(reply.status).toBe(200)
    expect(reply.body).toEqual({ missing: [keyOf("lack-1"), keyOf("lack-2")] })
    expect(
      (await request(server.url, "POST", `/workspaces/${ws.workspaceId}/blobs/missing`, { token: ws.masterToken, json: { ids: [] } })).body
    ).toEqual({
      missing: []
    })
    const tooMany = Array.from({ length: Limits.maxMissingQuery + 1 }, (_, i) => keyOf(`id ${i}`))
    const refused = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/blobs/missing`, {
      token: ws.masterToken,
      json: { ids: tooMany }
    })
    expect(refused.status).toBe(400)
  })

  it("lets only the master delete a blob (204, again 204), giving its bytes back", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const id = keyOf("doomed")
    await put(ws.workspaceId, ws.masterToken, id, new Uint8Array(500))
    const forbidden = await request(server.url, "DELETE", blobPath(ws.workspaceId, id), { token: device.deviceToken })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body._tag).toBe("Forbidden")
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(500)
    expect((await request(server.url, "DELETE", blobPath(ws.workspaceId, id), { token: ws.masterToken })).status).toBe(204)
    expect((await request(server.url, "DELETE", blobPath(ws.workspaceId, id), { token: ws.masterToken })).status).toBe(204)
    expect((await request(server.url, "GET", blobPath(ws.workspaceId, id), { token: ws.masterToken })).status).toBe(404)
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(0)
  })

  it("counts blobs in the quota with changes: 413 QuotaExceeded past it, for blobs and pushes alike", async () => {
    const ws = await createWorkspace(server.url)
    for (const name of ["one", "two", "three"])
      expect((await put(ws.workspaceId, ws.masterToken, keyOf(name), new Uint8Array(2 * 1024 * 1024 - 10))).status).toBe(201)
    const over = await put(ws.workspaceId, ws.masterToken, keyOf("four"), new Uint8Array(100))
    expect(over.status).toBe(413)
    expect(over.body).toMatchObject({ _tag: "QuotaExceeded", quotaBytes: quota })
    const pushed = await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x".repeat(31) }])
    expect(pushed.status).toBe(413)
    expect((await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "x".repeat(30) }])).status).toBe(200)
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(quota)
  })

  it("keeps workspaces apart: a token of another workspace can neither read nor write its blobs", async () => {
    const a = await createWorkspace(server.url)
    const b = await createWorkspace(server.url)
    await put(b.workspaceId, b.masterToken, keyOf("secret"), new Uint8Array([42]))
    const attempts: Array<[string, string, object]> = [
      ["GET", blobPath(b.workspaceId, keyOf("secret")), {}],
      ["PUT", blobPath(b.workspaceId, keyOf("planted")), octets(new Uint8Array([1]))],
      ["POST", `/workspaces/${b.workspaceId}/blobs/missing`, { json: { ids: [keyOf("secret")] } }],
      ["DELETE", blobPath(b.workspaceId, keyOf("secret")), {}]
    ]
    for (const [method, path, options] of attempts) {
      const reply = await request(server.url, method, path, { token: a.masterToken, ...options })
      expect(reply.status, `${method} ${path}`).toBe(403)
    }
    expect((await info(server.url, b.workspaceId, b.masterToken)).bytesUsed).toBe(1)
  })
})
