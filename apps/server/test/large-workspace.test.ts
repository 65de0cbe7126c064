/**
 * A workspace far larger than any one request: with MAX_BODY_BYTES at 1 MiB, 21 MiB of
 * changes are pushed, pulled in bounded pages, backed up and restored as streams, and
 * compacted document by document.
 */
import { decodeBackup } from "@quire/shared"
import { Either } from "effect"
import { createHash, randomBytes } from "node:crypto"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { compact, createWorkspace, info, keyOf, octets, pairDevice, pullAll, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const MiB = 1024 * 1024
const changeBytes = 200 * 1024
const changeCount = 105
const documents = 8
const digest = (bytes: Uint8Array | string) =>
  createHash("sha256")
    .update(typeof bytes === "string" ? Buffer.from(bytes, "base64") : bytes)
    .digest("hex")

describe.each(testDatabases())("a 21 MiB workspace behind a 1 MiB body limit on $name", (database) => {
  const server = serverPerSuite(database, { MAX_BODY_BYTES: String(MiB) })

  it("pulls completely in bounded pages, backs up and restores byte-identical, and compacts document by document", async () => {
    const ws = await createWorkspace(server.url)
    const sent: Array<{ seq: number; doc: string; digest: string }> = []
    for (let first = 1; first <= changeCount; first += 3) {
      const changes = [first, first + 1, first + 2]
        .filter((clientSeq) => clientSeq <= changeCount)
        .map((clientSeq) => ({ clientSeq, doc: `doc ${clientSeq % documents}`, text: new Uint8Array(randomBytes(changeBytes)) }))
      const reply = await push(server.url, ws.workspaceId, ws.masterToken, changes)
      expect(reply.status).toBe(200)
      changes.forEach((change, i) => sent.push({ seq: reply.body.results[i].seq, doc: change.doc, digest: digest(change.text) }))
    }
    expect((await info(server.url, ws.workspaceId, ws.masterToken)).bytesUsed).toBe(changeCount * changeBytes)

    // Pulled completely, each page's JSON within the limit; the default 4 MiB page bound is clamped to it.
    const pulled = await pullAll(server.url, ws.workspaceId, ws.masterToken)
    expect(pulled.changes.map((c) => [c.seq, c.key, digest(c.data)])).toEqual(sent.map((s) => [s.seq, keyOf(s.doc), s.digest]))
    expect(Math.max(...pulled.pageBytes)).toBeLessThanOrEqual(MiB)
    expect(pulled.pageBytes.length).toBeGreaterThanOrEqual(Math.ceil((changeCount * changeBytes * 4) / 3 / MiB))

    // Backed up as a stream and restored as one: the copy's own backup is the same file.
    const backup = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/backup`, { token: ws.masterToken })
    expect(backup.status).toBe(200)
    expect(backup.body.length).toBeGreaterThan(changeCount * changeBytes)
    const restored = await request(server.url, "POST", "/workspaces/restore", octets(backup.body))
    expect(restored.status).toBe(201)
    const again = await request(server.url, "GET", `/workspaces/${restored.body.workspaceId}/backup`, { token: restored.body.masterToken })
    // Compared as records (digests stand for the data: deep-comparing 21 MiB byte by byte is slow) and as files.
    const records = async (file: Uint8Array) => {
      const backup = Either.getOrThrow(await decodeBackup(file))
      return {
        ...backup,
        changes: backup.changes.map((change) => ({ ...change, key: Buffer.from(change.key).toString("hex"), data: digest(change.data) }))
      }
    }
    const copy = await records(again.body)
    expect(copy.changes.map((change) => [change.seq, change.data])).toEqual(sent.map((s) => [s.seq, s.digest]))
    expect(copy).toEqual(await records(backup.body))
    expect(Buffer.from(again.body).equals(Buffer.from(backup.body))).toBe(true)

    // Compacted one document at a time, each request far below the limit.
    for (let d = 0; d < documents; d++) {
      const { headSeq } = await info(server.url, ws.workspaceId, ws.masterToken)
      const reply = await compact(server.url, ws.workspaceId, ws.masterToken, {
        doc: `doc ${d}`,
        covers: headSeq,
        clientSeq: 1000 + d,
        text: new Uint8Array(randomBytes(changeBytes))
      })
      expect(reply.status).toBe(200)
      expect(reply.body.removed).toBe(sent.filter((s) => s.doc === `doc ${d}`).length)
    }
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toMatchObject({
      changeCount: documents,
      bytesUsed: documents * changeBytes
    })

    // A device paired now pulls one snapshot per document.
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const fresh = await pullAll(server.url, ws.workspaceId, device.deviceToken)
    expect(fresh.changes.map((c) => c.kind)).toEqual(Array(documents).fill("snapshot"))
    expect(new Set(fresh.changes.map((c) => c.key)).size).toBe(documents)
  })
})
