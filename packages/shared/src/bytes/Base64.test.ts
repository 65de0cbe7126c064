import { Encoding } from "effect"
import { describe, expect, it } from "vitest"
import { decodeBase64, encodeBase64 } from "./Base64.js"

describe("Base64", () => {
  it("agrees with the reference encoder on every length and byte", () => {
    for (let length = 0; length < 70; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff)
      const text = encodeBase64(bytes)
      expect(text).toBe(Encoding.encodeBase64(bytes))
      expect(decodeBase64(text)).toEqual(bytes)
    }
    const view = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4)
    expect(encodeBase64(view)).toBe("AQID")
  })

  it("handles multi-megabyte payloads, like a workspace snapshot", () => {
    const big = Uint8Array.from({ length: 9_000_000 }, (_, i) => i & 0xff)
    const text = encodeBase64(big)
    expect(text.length).toBe(12_000_000)
    expect(Buffer.from(decodeBase64(text)!).equals(Buffer.from(big))).toBe(true)
  })

  it("refuses what is not padded standard base64", () => {
    for (const bad of ["abc", "ab=c", "a===", "ab-_", "ab c", "AQID\n", "=AQI"]) expect(decodeBase64(bad), bad).toBeUndefined()
    expect(decodeBase64("")).toEqual(new Uint8Array())
  })
})
