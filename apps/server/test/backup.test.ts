import { decodeBackup, encodeBackup } from "@quire/shared"
import { Either } from "effect"
import { randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { b64, createWorkspace, pairDevice, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const octets = (bytes: Uint8Array) => ({ body: bytes, headers: { "content-type": "application/octet-stream" } })

describe.each(testDatabases())("backup and restore on $name", (database) => {
  const server = serverPerSuite(database)

  it("restoring a backup gives a new workspace with the same bytes", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    // Arbitrary binary, not text: the server stores what it gets without reading it.
    const blobs = Array.from({ length: 8 }, () => new Uint8Array(randomBytes(200)))
    await request(server.url, "POST", `/workspaces/${ws.workspaceId}/changes`, {
      token: ws.masterToken,
      json: { changes: blobs.slice(0, 4).map((data, i) => ({ clientSeq: i + 1, data: Buffer.from(data).toString("base64") })) }
    })
    await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/snapshot`, { token: device.deviceToken, json: { seq: 3, data: b64("snapshot") } })
    await request(server.url, "POST", `/workspaces/${ws.workspaceId}/changes`, {
      token: device.deviceToken,
      json: { changes: blobs.slice(4).map((data, i) => ({ clientSeq: i + 1, data: Buffer.from(data).toString("base64") })) }
    })
    const original = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes?after=0`, { token: ws.masterToken })

    const backup = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })
    expect(backup.status).toBe(200)
    expect(backup.headers.get("content-type")).toBe("application/octet-stream")
    expect(backup.body).toBeInstanceOf(Uint8Array)

    const restored = await request(server.url, "POST", "/workspaces/restore", octets(backup.body))
    expect(restored.status).toBe(201)
    expect(restored.body.workspaceId).not.toBe(ws.workspaceId)
    const copy = await request(server.url, "GET", `/workspaces/${restored.body.workspaceId}/changes?after=0`, { token: restored.body.masterToken })
    expect(copy.body).toEqual(original.body)
    const info = await request(server.url, "GET", `/workspaces/${restored.body.workspaceId}`, { token: restored.body.masterToken })
    expect(info.body).toMatchObject({ headSeq: 8, snapshotSeq: 3 })

    // The copy's own backup is the same file: same snapshot, same changes, same devices and clientSeqs.
    const again = await request(server.url, "GET", `/workspaces/${restored.body.workspaceId}/backup`, { token: restored.body.masterToken })
    expect(Buffer.from(again.body).equals(Buffer.from(backup.body))).toBe(true)

    // The restored workspace goes on from the same head.
    const next = await push(server.url, restored.body.workspaceId, restored.body.masterToken, [{ clientSeq: 1, text: "after restore" }])
    expect(next.body.results).toEqual([{ clientSeq: 1, seq: 9 }])
  })

  it("backs up and restores an empty workspace", async () => {
    const ws = await createWorkspace(server.url)
    const backup = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })
    expect(Either.getOrThrow(decodeBackup(backup.body))).toEqual({ headSeq: 0, snapshot: null, changes: [] })
    const restored = await request(server.url, "POST", "/workspaces/restore", octets(backup.body))
    expect(restored.status).toBe(201)
  })

  it("refuses garbage, truncated, tampered and inconsistent backups with 400 and creates nothing", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "one" },
      { clientSeq: 2, text: "two" }
    ])
    const good: Uint8Array = (await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })).body
    const tampered = good.slice()
    tampered[tampered.length - 40] = tampered[tampered.length - 40]! ^ 0xff
    const gapped = encodeBackup({
      headSeq: 3,
      snapshot: null,
      changes: [
        { seq: 1, deviceId: ws.deviceId, clientSeq: 1, data: new Uint8Array([1]) },
        { seq: 3, deviceId: ws.deviceId, clientSeq: 2, data: new Uint8Array([2]) }
      ]
    })
    const cases: Array<[string, Uint8Array]> = [
      ["random bytes", new Uint8Array(randomBytes(500))],
      ["empty", new Uint8Array()],
      ["truncated", good.slice(0, good.length - 10)],
      ["tampered", tampered],
      ["a gap in the log", gapped],
      ["json", new TextEncoder().encode(JSON.stringify({ hello: "world" }))]
    ]
    for (const [name, file] of cases) {
      const reply = await request(server.url, "POST", "/workspaces/restore", octets(file))
      expect(reply.status, name).toBe(400)
      expect(reply.body._tag, name).toBe("InvalidBackup")
      expect(reply.body.message, name).toMatch(/backup/i)
    }
  })

  it("refuses a backup sent as JSON with 400", async () => {
    const reply = await request(server.url, "POST", "/workspaces/restore", { body: "not json at all", headers: { "content-type": "application/json" } })
    expect(reply.status).toBe(400)
    expect(reply.body._tag).toBe("MalformedBody")
  })
})
