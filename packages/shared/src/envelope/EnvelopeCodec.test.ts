import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { decodeEnvelope, encodeEnvelope } from "./EnvelopeCodec.js"

const entries = [
  { docId: "note-1", bytes: new Uint8Array([1, 2, 3]) },
  { docId: "workspace", bytes: new Uint8Array([]) }
]

// version · count · ("note-1" · 3 bytes) · ("workspace" · 0 bytes)
const vector = [
  "01",
  "00000002",
  "0006",
  Buffer.from("note-1").toString("hex"),
  "00000003",
  "010203",
  "0009",
  Buffer.from("workspace").toString("hex"),
  "00000000"
].join("")

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")
const unhex = (text: string) => new Uint8Array(Buffer.from(text, "hex"))
const errorOf = (bytes: Uint8Array) =>
  Either.match(decodeEnvelope(bytes), { onLeft: (e) => `${e._tag}: ${e.message}`, onRight: () => "decoded" })

describe("EnvelopeCodec", () => {
  it("encodes the fixed test vector byte for byte and decodes it back", () => {
    expect(hex(encodeEnvelope(entries))).toBe(vector)
    expect(Either.getOrThrow(decodeEnvelope(unhex(vector)))).toEqual(entries)
  })

  it("carries non-ASCII doc ids and large payloads", () => {
    const big = [{ docId: "нотатка-ü-📝", bytes: new Uint8Array(100_000).fill(9) }]
    expect(Either.getOrThrow(decodeEnvelope(encodeEnvelope(big)))).toEqual(big)
  })

  it("refuses empty, unknown-version, truncated, padded and garbled envelopes as EnvelopeMalformed", () => {
    expect(errorOf(new Uint8Array())).toMatch(/EnvelopeMalformed: empty/)
    expect(errorOf(unhex("02" + vector.slice(2)))).toMatch(/version 2/)
    expect(errorOf(unhex(vector.slice(0, -2)))).toMatch(/truncated/)
    expect(errorOf(unhex(vector + "00"))).toMatch(/after the last entry/)
    expect(errorOf(unhex("0100000000"))).toMatch(/no documents/)
    expect(errorOf(unhex("01000000010002ffff00000000"))).toMatch(/truncated or garbled/)
  })

  it("refuses to encode nothing or an empty doc id", () => {
    expect(() => encodeEnvelope([])).toThrow(RangeError)
    expect(() => encodeEnvelope([{ docId: "", bytes: new Uint8Array() }])).toThrow(RangeError)
  })
})
