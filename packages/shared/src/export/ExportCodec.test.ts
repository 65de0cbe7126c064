import { Effect, Exit } from "effect"
import { createCipheriv, createHash, pbkdf2Sync } from "node:crypto"
import { describe, expect, it } from "vitest"
import { decodeExport, encodeExport, exportIsSealed } from "./ExportCodec.js"

const entries = [
  { docId: "note-1", bytes: new Uint8Array([1, 2, 3]) },
  { docId: "note-2", bytes: new Uint8Array([4]) }
]
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failureTag = async <A, E extends { _tag: string }>(effect: Effect.Effect<A, E>) => {
  const exit = await Effect.runPromiseExit(effect)
  return Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error._tag : "no typed failure"
}
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

const sealedOptions = { passphrase: "correct horse", iterations: 1000, salt: new Uint8Array(16).fill(7), nonce: new Uint8Array(12).fill(9) }

describe("ExportCodec", () => {
  it("writes a plain export as magic, version, mode and the envelope", async () => {
    const file = await run(encodeExport(entries))
    expect(hex(file.subarray(0, 6))).toBe("514558500100")
    expect(exportIsSealed(file)).toBe(false)
    expect(await run(decodeExport(file))).toEqual(entries)
  })

  it("seals with a passphrase: the fixed vector is stable and opens only with that passphrase", async () => {
    const file = await run(encodeExport(entries, sealedOptions))
    expect(hex(file.subarray(0, 38))).toBe("514558500101" + "07".repeat(16) + "000003e8" + "09".repeat(12))
    // The same bytes computed independently, with node's OpenSSL PBKDF2 and AES-256-GCM.
    const header = file.subarray(0, 38)
    const key = pbkdf2Sync("correct horse", Buffer.alloc(16, 7), 1000, 32, "sha256")
    const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 9))
    cipher.setAAD(header)
    const envelope = (await run(encodeExport(entries))).subarray(6)
    const expected = Buffer.concat([header, cipher.update(envelope), cipher.final(), cipher.getAuthTag()])
    expect(hex(file)).toBe(expected.toString("hex"))
    expect(createHash("sha256").update(file).digest("hex").slice(0, 16)).toBe("fecf3d3e7d568684")
    expect(exportIsSealed(file)).toBe(true)
    expect(await run(decodeExport(file, "correct horse"))).toEqual(entries)
    expect(await failureTag(decodeExport(file, "wrong horse"))).toBe("WrongPassphrase")
    expect(await failureTag(decodeExport(file))).toBe("PassphraseRequired")
  })

  it("refuses a changed byte of a sealed file as a wrong passphrase or a foreign file", async () => {
    const file = await run(encodeExport(entries, sealedOptions))
    for (const index of [10, 30, file.length - 1]) {
      const changed = file.slice()
      changed[index] = changed[index]! ^ 1
      expect(["WrongPassphrase", "NotAQuireExport"]).toContain(await failureTag(decodeExport(changed, "correct horse")))
    }
  })

  it("names a file that is not a Quire export", async () => {
    for (const file of [new Uint8Array(), new TextEncoder().encode("PK\u0003\u0004zip"), new Uint8Array([0x51, 0x45, 0x58, 0x50, 9, 0])]) {
      expect(await failureTag(decodeExport(file))).toBe("NotAQuireExport")
    }
    expect(exportIsSealed(new Uint8Array([1, 2, 3]))).toBeUndefined()
    const truncated = (await run(encodeExport(entries))).slice(0, -2)
    expect(await failureTag(decodeExport(truncated))).toBe("NotAQuireExport")
  })
})
