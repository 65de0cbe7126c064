import { Either } from "effect"
import { createHash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { decodeBackup, encodeBackup, type Backup } from "./BackupCodec.js"

const device = "00112233-4455-6677-8899-aabbccddeeff"

const sample: Backup = {
  headSeq: 3,
  snapshot: { seq: 1, data: new Uint8Array([0xaa, 0xbb]) },
  changes: [
    { seq: 2, deviceId: device, clientSeq: 1, data: new Uint8Array([0x01]) },
    { seq: 3, deviceId: device, clientSeq: 2, data: new Uint8Array([]) }
  ]
}

// The layout of BackupCodec.ts, spelled out field by field.
const sampleBody = [
  "5142414b", "01", "0000000000000003", // magic, version, headSeq
  "01", "0000000000000001", "00000002", "aabb", // snapshot
  "00000002", // change count
  "0000000000000002", "00112233445566778899aabbccddeeff", "0000000000000001", "00000001", "01",
  "0000000000000003", "00112233445566778899aabbccddeeff", "0000000000000002", "00000000"
].join("")
const sampleFile = sampleBody + createHash("sha256").update(Buffer.from(sampleBody, "hex")).digest("hex")

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"))
const errorOf = (file: Uint8Array) => Either.match(decodeBackup(file), { onLeft: (e) => e.message, onRight: () => "decoded" })

describe("BackupCodec", () => {
  it("encodes the fixed test vector byte for byte", () => {
    expect(hex(encodeBackup(sample))).toBe(sampleFile)
  })

  it("decodes the fixed test vector back to the same backup", () => {
    expect(Either.getOrThrow(decodeBackup(unhex(sampleFile)))).toEqual(sample)
  })

  it("round-trips an empty workspace and one without a snapshot", () => {
    for (const backup of [
      { headSeq: 0, snapshot: null, changes: [] },
      { headSeq: 1, snapshot: null, changes: [{ seq: 1, deviceId: device, clientSeq: 9, data: new Uint8Array([7]) }] }
    ]) {
      expect(Either.getOrThrow(decodeBackup(encodeBackup(backup)))).toEqual(backup)
    }
  })

  it("rejects what is not a backup, naming why", () => {
    expect(errorOf(new Uint8Array())).toMatch(/not a Quire backup/)
    expect(errorOf(new TextEncoder().encode("PK\u0003\u0004 a zip file"))).toMatch(/not a Quire backup/)
    const otherVersion = unhex(sampleFile)
    otherVersion[4] = 2
    expect(errorOf(otherVersion)).toMatch(/version 2/)
  })

  it("rejects a damaged or truncated file by its checksum", () => {
    const flipped = unhex(sampleFile)
    flipped[20] = flipped[20]! ^ 1
    expect(errorOf(flipped)).toMatch(/checksum/)
    expect(errorOf(unhex(sampleFile).slice(0, -1))).toMatch(/checksum|truncated/)
  })

  it("rejects a well-checksummed file whose lengths run past its end", () => {
    const body = unhex(sampleBody.slice(0, sampleBody.length - 8) + "000000ff")
    const file = new Uint8Array([...body, ...createHash("sha256").update(body).digest()])
    expect(errorOf(file)).toMatch(/malformed/)
  })

  it("rejects logs that could not come from a workspace: gaps, duplicates, wrong head", () => {
    const change = (seq: number, clientSeq = seq) => ({ seq, deviceId: device, clientSeq, data: new Uint8Array() })
    const bad: Array<[Backup, RegExp]> = [
      [{ headSeq: 3, snapshot: null, changes: [change(1), change(3)] }, /breaks the run/],
      [{ headSeq: 2, snapshot: null, changes: [change(2)] }, /gap/],
      [{ headSeq: 5, snapshot: null, changes: [change(1), change(2)] }, /head is 5/],
      [{ headSeq: 2, snapshot: null, changes: [change(1, 1), change(2, 1)] }, /twice/],
      [{ headSeq: 1, snapshot: { seq: 4, data: new Uint8Array() }, changes: [] }, /outside/],
      [{ headSeq: 3, snapshot: { seq: 1, data: new Uint8Array() }, changes: [] }, /no changes/]
    ]
    for (const [backup, reason] of bad) expect(errorOf(encodeBackup(backup))).toMatch(reason)
  })
})
