import { Either } from "effect"
import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { decodeBackup, encodeBackup, readBackup, type Backup } from "./BackupCodec.js"

const device = "00112233-4455-6677-8899-aabbccddeeff"
const key = new Uint8Array(16).fill(0x4b)
const blobId = new Uint8Array(16).fill(0x42)

const sample: Backup = {
  headSeq: 5,
  changes: [
    { seq: 2, deviceId: device, clientSeq: 1, kind: "update", key, data: new Uint8Array([0x01]) },
    { seq: 4, deviceId: device, clientSeq: 2, kind: "snapshot", key, data: new Uint8Array([]) }
  ],
  blobs: [{ id: blobId, data: new Uint8Array([0xaa, 0xbb]) }]
}

// The layout of BackupCodec.ts, spelled out field by field.
const sampleBody = [
  "5142414b",
  "02", // magic, version
  "01",
  "0000000000000002",
  "00112233445566778899aabbccddeeff",
  "0000000000000001",
  "00",
  "10",
  "4b".repeat(16),
  "00000001",
  "01",
  "01",
  "0000000000000004",
  "00112233445566778899aabbccddeeff",
  "0000000000000002",
  "01",
  "10",
  "4b".repeat(16),
  "00000000",
  "02",
  "10",
  "42".repeat(16),
  "00000002",
  "aabb",
  "00",
  "0000000000000005",
  "0000000000000002",
  "0000000000000001" // end: head, changes, blobs
].join("")
const sampleFile = sampleBody + createHash("sha256").update(Buffer.from(sampleBody, "hex")).digest("hex")

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"))
const errorOf = async (file: Uint8Array) => Either.match(await decodeBackup(file), { onLeft: (e) => e.message, onRight: () => "decoded" })
const withChecksum = (body: Uint8Array) => new Uint8Array([...body, ...createHash("sha256").update(body).digest()])

async function* inPieces(file: Uint8Array, size: number) {
  for (let i = 0; i < file.length; i += size) yield file.slice(i, i + size)
}

describe("BackupCodec", () => {
  it("encodes the fixed test vector byte for byte", () => {
    expect(hex(encodeBackup(sample))).toBe(sampleFile)
  })

  it("decodes the fixed test vector back to the same backup", async () => {
    expect(Either.getOrThrow(await decodeBackup(unhex(sampleFile)))).toEqual(sample)
  })

  it("reads the same records whatever size the stream's chunks have", async () => {
    for (const size of [1, 3, 7, 64]) {
      const records = []
      const reader = readBackup(inPieces(unhex(sampleFile), size), { maxRecordBytes: 1024 })
      let next = await reader.next()
      while (!next.done) {
        records.push(next.value)
        next = await reader.next()
      }
      expect(next.value).toEqual({ headSeq: 5, changeCount: 2, blobCount: 1 })
      expect(records.map((r) => r.type)).toEqual(["change", "change", "blob"])
    }
  })

  it("round-trips an empty workspace", async () => {
    const empty = { headSeq: 0, changes: [], blobs: [] }
    expect(Either.getOrThrow(await decodeBackup(encodeBackup(empty)))).toEqual(empty)
  })

  it("rejects what is not a backup, naming why", async () => {
    expect(await errorOf(new Uint8Array())).toMatch(/not a Quire backup/)
    expect(await errorOf(new TextEncoder().encode("PK\u0003\u0004 a zip file"))).toMatch(/not a Quire backup/)
    const otherVersion = unhex(sampleFile)
    otherVersion[4] = 1
    expect(await errorOf(otherVersion)).toMatch(/version 1/)
  })

  it("rejects a damaged, truncated or extended file", async () => {
    const flipped = unhex(sampleFile)
    const data = sampleBody.indexOf("aabb") / 2
    flipped[data] = flipped[data]! ^ 1
    expect(await errorOf(flipped)).toMatch(/checksum/)
    expect(await errorOf(unhex(sampleFile).slice(0, -1))).toMatch(/truncated/)
    expect(await errorOf(unhex(sampleFile).slice(0, 40))).toMatch(/truncated/)
    expect(await errorOf(unhex(sampleFile + "00"))).toMatch(/follow its checksum/)
  })

  it("refuses a record larger than the reader allows before reading it", async () => {
    const body = unhex(sampleBody.replace("00000002aabb", "7fffffffaabb"))
    const records = readBackup(inPieces(withChecksum(body), 1024), { maxRecordBytes: 1024 })
    await expect(
      (async () => {
        for await (const _ of records) void _
      })()
    ).rejects.toThrow(/larger than/)
  })

  it("rejects logs that could not come from a workspace: reordered seqs, a change past the head, wrong counts", async () => {
    const change = (seq: number) => ({ seq, deviceId: device, clientSeq: seq, kind: "update" as const, key, data: new Uint8Array() })
    const bad: Array<[Backup, RegExp]> = [
      [{ headSeq: 3, changes: [change(2), change(1)], blobs: [] }, /follows/],
      [{ headSeq: 3, changes: [change(2), change(2)], blobs: [] }, /follows/],
      [{ headSeq: 1, changes: [change(1), change(2)], blobs: [] }, /past head/]
    ]
    for (const [backup, reason] of bad) expect(await errorOf(encodeBackup(backup))).toMatch(reason)
    const wrongCount = unhex(sampleBody.replace(/0000000000000002(0000000000000001)$/, "0000000000000003$1"))
    expect(await errorOf(withChecksum(wrongCount))).toMatch(/says 3 changes/)
    const unknownRecord = unhex(sampleBody.replace(/^(5142414b02)/, "$107"))
    expect(await errorOf(withChecksum(unknownRecord))).toMatch(/unknown record 7/)
  })
})
