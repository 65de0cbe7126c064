import { decodeBackup, encodeBackup, type Backup } from "@quire/shared"
import { Either } from "effect"
import { randomBytes, randomUUID } from "node:crypto"
import { request as httpRequest } from "node:http"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { compact, createWorkspace, info, keyOf, octets, pairDevice, pullAll, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const quota = 4 * 1024 * 1024

/**
 * Sends `file` to the restore endpoint in pieces, chunked (no Content-Length), as a browser
 * streaming a file does. With `cutAfter`, the connection is torn down after that many pieces.
 */
const upload = (url: string, file: Uint8Array, options: { readonly pieceBytes: number; readonly cutAfter?: number }) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the server's JSON, as it came: each test asserts the fields it reads
  new Promise<{ status: number; body: any } | "cut">((resolve, reject) => {
    const req = httpRequest(`${url}/api/v1/workspaces/restore`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", "transfer-encoding": "chunked" }
    })
    req.on("response", (res) => {
      let text = ""
      res.on("data", (chunk) => (text += chunk))
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
    })
    req.on("error", (error) => (options.cutAfter === undefined ? reject(error) : resolve("cut")))
    let sent = 0
    const sendNext = () => {
      if (options.cutAfter !== undefined && sent === options.cutAfter) {
        // Give the server time to take in what was sent, then cut the connection mid-upload.
        setTimeout(() => {
          req.destroy()
          resolve("cut")
        }, 300)
        return
      }
      const offset = sent * options.pieceBytes
      if (offset >= file.length) return req.end()
      sent += 1
      req.write(file.subarray(offset, offset + options.pieceBytes), sendNext)
    }
    sendNext()
  })

describe.each(testDatabases())("backup and restore on $name", (database) => {
  const server = serverPerSuite(database, { WORKSPACE_QUOTA_BYTES: String(quota) })

  const workspaceCount = async () => Number((await server.sql<{ n: string }>("SELECT count(*) AS n FROM workspaces"))[0]!.n)
  const download = async (ws: { workspaceId: string; masterToken: string }): Promise<Uint8Array> => {
    const reply = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })
    expect(reply.status).toBe(200)
    return reply.body
  }
  const restore = (file: Uint8Array) => request(server.url, "POST", "/workspaces/restore", octets(file))

  /** Two devices, three documents, a compacted key (gaps in the seqs), and blobs. */
  const seedWorkspace = async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    // Arbitrary binary, not text: the server stores what it gets without reading it.
    const random = () => new Uint8Array(randomBytes(200))
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: random(), doc: "a" },
      { clientSeq: 2, text: random(), doc: "b" },
      { clientSeq: 3, text: random(), doc: "a" },
      { clientSeq: 4, text: random(), doc: "c" }
    ])
    await compact(server.url, ws.workspaceId, device.deviceToken, { doc: "a", covers: 3, clientSeq: 1, text: random() })
    await push(server.url, ws.workspaceId, device.deviceToken, [
      { clientSeq: 2, text: random(), doc: "b" },
      { clientSeq: 3, text: random(), doc: "a" }
    ])
    for (const name of ["x", "y", "z"]) {
      await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/blobs/${keyOf(name)}`, {
        token: ws.masterToken,
        ...octets(new Uint8Array(randomBytes(3000)))
      })
    }
    return ws
  }

  it("restoring a backup gives a new workspace with the same changes, gaps, kinds, devices and blobs", async () => {
    const ws = await seedWorkspace()
    const original = await pullAll(server.url, ws.workspaceId, ws.masterToken)
    expect(original.changes.map((c) => c.seq)).toEqual([2, 4, 5, 6, 7])

    const reply = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })
    expect(reply.status).toBe(200)
    expect(reply.headers.get("content-type")).toBe("application/octet-stream")
    expect(reply.headers.get("transfer-encoding")).toBe("chunked")
    const backup: Uint8Array = reply.body
    const decoded = Either.getOrThrow(await decodeBackup(backup))
    expect(decoded.headSeq).toBe(7)
    expect(decoded.changes.map((c) => [c.seq, c.kind])).toEqual([
      [2, "update"],
      [4, "update"],
      [5, "snapshot"],
      [6, "update"],
      [7, "update"]
    ])
    expect(decoded.blobs).toHaveLength(3)

    const restored = await restore(backup)
    expect(restored.status).toBe(201)
    expect(restored.body.workspaceId).not.toBe(ws.workspaceId)
    const copy = await pullAll(server.url, restored.body.workspaceId, restored.body.masterToken)
    expect(copy.changes).toEqual(original.changes)
    const [before, after] = [
      await info(server.url, ws.workspaceId, ws.masterToken),
      await info(server.url, restored.body.workspaceId, restored.body.masterToken)
    ]
    expect({ ...after, workspaceId: "", createdAt: "" }).toEqual({ ...before, workspaceId: "", createdAt: "" })
    const blob = await request(server.url, "GET", `/workspaces/${restored.body.workspaceId}/blobs/${keyOf("y")}`, {
      token: restored.body.masterToken
    })
    expect(
      Buffer.from(blob.body).equals(Buffer.from(decoded.blobs.find((b) => Buffer.from(b.id).toString("base64url") === keyOf("y"))!.data))
    ).toBe(true)

    // The copy's own backup is the same file, byte for byte.
    expect(Buffer.from(await download(restored.body)).equals(Buffer.from(backup))).toBe(true)

    // The restored workspace goes on from the same head, and its devices' clientSeqs still count.
    const next = await push(server.url, restored.body.workspaceId, restored.body.masterToken, [{ clientSeq: 1, text: "after restore" }])
    expect(next.body.results).toEqual([{ clientSeq: 1, seq: 8 }])
  })

  it("backs up and restores an empty workspace", async () => {
    const ws = await createWorkspace(server.url)
    const backup = await download(ws)
    expect(Either.getOrThrow(await decodeBackup(backup))).toEqual({ headSeq: 0, changes: [], blobs: [] })
    expect((await restore(backup)).status).toBe(201)
  })

  it("reads a restore as it streams in, in small pieces", async () => {
    const backup = await download(await seedWorkspace())
    const reply = await upload(server.url, backup, { pieceBytes: 97 })
    expect(reply).toMatchObject({ status: 201 })
  })

  it("leaves no workspace behind when an upload is cut mid-stream", async () => {
    const ws = await createWorkspace(server.url)
    await push(
      server.url,
      ws.workspaceId,
      ws.masterToken,
      Array.from({ length: 40 }, (_, i) => ({ clientSeq: i + 1, text: new Uint8Array(randomBytes(20_000)), doc: `d${i % 4}` }))
    )
    const backup = await download(ws)
    const before = await workspaceCount()
    expect(await upload(server.url, backup, { pieceBytes: 64 * 1024, cutAfter: 8 })).toBe("cut")
    // On the embedded database this also waits for the rollback: it has one connection.
    expect(await workspaceCount()).toBe(before)
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await workspaceCount()).toBe(before)
    // Nothing is stuck: the next restore goes through.
    expect((await restore(backup)).status).toBe(201)
    expect(await workspaceCount()).toBe(before + 1)
  })

  it("refuses garbage, truncated, tampered, inconsistent and duplicated backups with 400 and creates nothing", async () => {
    const ws = await createWorkspace(server.url)
    await push(server.url, ws.workspaceId, ws.masterToken, [
      { clientSeq: 1, text: "one" },
      { clientSeq: 2, text: "two" }
    ])
    const good = await download(ws)
    const tampered = good.slice()
    const data = Buffer.from(good).indexOf("one")
    tampered[data] = tampered[data]! ^ 0xff
    const change = { deviceId: ws.deviceId, kind: "update", key: new Uint8Array(16) } as const
    const forged = (backup: Partial<Backup>) => encodeBackup({ headSeq: 3, changes: [], blobs: [], ...backup })
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["random bytes", new Uint8Array(randomBytes(500)), /not a Quire backup/],
      ["empty", new Uint8Array(), /empty/],
      ["truncated", good.slice(0, good.length - 10), /truncated/],
      ["tampered", tampered, /checksum/],
      ["json", new TextEncoder().encode(JSON.stringify({ hello: "world" })), /not a Quire backup/],
      [
        "out of order",
        forged({
          changes: [
            { ...change, seq: 2, clientSeq: 1, data: new Uint8Array([1]) },
            { ...change, seq: 1, clientSeq: 2, data: new Uint8Array([2]) }
          ]
        }),
        /follows/
      ],
      [
        "a clientSeq twice",
        forged({
          changes: [
            { ...change, seq: 1, clientSeq: 1, data: new Uint8Array([1]) },
            { ...change, seq: 3, clientSeq: 1, data: new Uint8Array([2]) }
          ]
        }),
        /twice/
      ],
      [
        "a blob twice",
        forged({
          blobs: [
            { id: new Uint8Array(16), data: new Uint8Array([1]) },
            { id: new Uint8Array(16), data: new Uint8Array([1]) }
          ]
        }),
        /twice/
      ]
    ]
    const before = await workspaceCount()
    for (const [name, file, message] of cases) {
      const reply = await restore(file)
      expect(reply.status, name).toBe(400)
      expect(reply.body._tag, name).toBe("InvalidBackup")
      expect(reply.body.message, name).toMatch(message)
    }
    expect(await workspaceCount()).toBe(before)
  })

  it("refuses a backup past the workspace quota with 413 QuotaExceeded and creates nothing", async () => {
    const chunk = new Uint8Array(randomBytes(1024 * 1024))
    const deviceId = randomUUID()
    const file = encodeBackup({
      headSeq: 5,
      changes: [1, 2, 3, 4, 5].map((seq) => ({
        seq,
        deviceId,
        clientSeq: seq,
        kind: "update" as const,
        key: new Uint8Array(16),
        data: chunk
      })),
      blobs: []
    })
    const before = await workspaceCount()
    const reply = await upload(server.url, file, { pieceBytes: 256 * 1024 })
    expect(reply).toMatchObject({ status: 413, body: { _tag: "QuotaExceeded", quotaBytes: quota } })
    expect(await workspaceCount()).toBe(before)
  })

  it("lets only the master download, and reads whatever a restore is sent as a backup", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const refused = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: device.deviceToken })
    expect(refused.status).toBe(403)
    const restored = await request(server.url, "POST", "/workspaces/restore", {
      body: "not a backup",
      headers: { "content-type": "application/json" }
    })
    expect(restored.status).toBe(400)
    expect(restored.body._tag).toBe("InvalidBackup")
  })
})
