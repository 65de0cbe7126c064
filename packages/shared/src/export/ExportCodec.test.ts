import { Effect, Exit } from "effect"
import { createCipheriv, createHash, pbkdf2Sync } from "node:crypto"
import { describe, expect, it } from "vitest"
import { encodeEnvelope } from "../envelope/EnvelopeCodec.js"
import { decodeExport, encodeExport, exportIsSealed, type ExportContents } from "./ExportCodec.js"

const documents = [
  { docId: "note-1", bytes: new Uint8Array([1, 2, 3]) },
  { docId: "note-2", bytes: new Uint8Array([4]) }
]
const files = [
  { fileId: "f1", bytes: new Uint8Array([10, 11, 12, 13]) },
  { fileId: "f2", bytes: new Uint8Array(0) }
]
const contents: ExportContents = { documents, files }
const shaHex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
/** What the decoder gives back: each file with the SHA-256 it checked. */
const decoded: ExportContents = { documents, files: files.map((file) => ({ ...file, sha256: shaHex(file.bytes) })) }
const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.runPromise(effect)
const failure = async <A, E extends { _tag: string; message: string }>(effect: Effect.Effect<A, E>) => {
  const exit = await Effect.runPromiseExit(effect)
  return Exit.isFailure(exit) && exit.cause._tag === "Fail" ? exit.cause.error : { _tag: "no typed failure", message: "" }
}
const failureTag = async <A, E extends { _tag: string; message: string }>(effect: Effect.Effect<A, E>) => (await failure(effect))._tag
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

/** The v2 payload written out by hand, from the layout in the codec's header comment. */
const payloadByHand = () => {
  const envelope = Buffer.from(encodeEnvelope(documents))
  const parts: Array<Buffer> = [Buffer.alloc(4), envelope, Buffer.alloc(4)]
  parts[0]!.writeUInt32BE(envelope.length)
  parts[2]!.writeUInt32BE(files.length)
  for (const file of files) {
    const length = Buffer.alloc(8)
    length.writeBigUInt64BE(BigInt(file.bytes.length))
    parts.push(Buffer.from([file.fileId.length]), Buffer.from(file.fileId), createHash("sha256").update(file.bytes).digest(), length)
    parts.push(Buffer.from(file.bytes))
  }
  return Buffer.concat(parts)
}

const sealByHand = (header: Buffer, payload: Buffer) => {
  const key = pbkdf2Sync("correct horse", Buffer.alloc(16, 7), 1000, 32, "sha256")
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(12, 9))
  cipher.setAAD(header)
  return Buffer.concat([header, cipher.update(payload), cipher.final(), cipher.getAuthTag()])
}

const sealedHeader = (version: number) =>
  Buffer.from("51455850" + version.toString(16).padStart(2, "0") + "01" + "07".repeat(16) + "000003e8" + "09".repeat(12), "hex")

const sealedOptions = { passphrase: "correct horse", iterations: 1000, salt: new Uint8Array(16).fill(7), nonce: new Uint8Array(12).fill(9) }

describe("ExportCodec", () => {
  it("writes a plain export as magic, version 2, mode and the payload of documents and files", async () => {
    const file = await run(encodeExport(contents))
    expect(hex(file.subarray(0, 6))).toBe("514558500200")
    expect(hex(file.subarray(6))).toBe(payloadByHand().toString("hex"))
    expect(exportIsSealed(file)).toBe(false)
    expect(await run(decodeExport(file))).toEqual(decoded)
  })

  it("seals with a passphrase: the fixed vector is stable and opens only with that passphrase", async () => {
    const file = await run(encodeExport(contents, sealedOptions))
    // The same bytes computed independently, with node's OpenSSL PBKDF2 and AES-256-GCM.
    const expected = sealByHand(sealedHeader(2), payloadByHand())
    expect(hex(file)).toBe(expected.toString("hex"))
    expect(createHash("sha256").update(file).digest("hex").slice(0, 16)).toBe("d98c188e5e3091d8")
    expect(exportIsSealed(file)).toBe(true)
    expect(await run(decodeExport(file, "correct horse"))).toEqual(decoded)
    expect(await failureTag(decodeExport(file, "wrong horse"))).toBe("WrongPassphrase")
    expect(await failureTag(decodeExport(file))).toBe("PassphraseRequired")
  })

  it("still reads version 1 files, plain and sealed, as documents without files", async () => {
    const envelope = Buffer.from(encodeEnvelope(documents))
    const plain = new Uint8Array(Buffer.concat([Buffer.from("514558500100", "hex"), envelope]))
    expect(exportIsSealed(plain)).toBe(false)
    expect(await run(decodeExport(plain))).toEqual({ documents, files: [] })
    const sealed = new Uint8Array(sealByHand(sealedHeader(1), envelope))
    expect(exportIsSealed(sealed)).toBe(true)
    expect(await run(decodeExport(sealed, "correct horse"))).toEqual({ documents, files: [] })
  })

  it("refuses a changed byte of a sealed file as a wrong passphrase or a foreign file", async () => {
    const file = await run(encodeExport(contents, sealedOptions))
    for (const index of [10, 30, file.length - 1]) {
      const changed = file.slice()
      changed[index] = changed[index]! ^ 1
      expect(["WrongPassphrase", "NotAQuireExport"]).toContain(await failureTag(decodeExport(changed, "correct horse")))
    }
  })

  it("names a file that is not a Quire export, or a newer one", async () => {
    for (const file of [new Uint8Array(), new TextEncoder().encode("PK\u0003\u0004zip"), new Uint8Array([0x51, 0x45, 0x58, 0x50, 9, 0])]) {
      expect(await failureTag(decodeExport(file))).toBe("NotAQuireExport")
    }
    expect((await failure(decodeExport(new Uint8Array([0x51, 0x45, 0x58, 0x50, 3, 0])))).message).toMatch(/update the app/)
    expect(exportIsSealed(new Uint8Array([1, 2, 3]))).toBeUndefined()
    expect(exportIsSealed(new Uint8Array([0x51, 0x45, 0x58, 0x50, 3, 0]))).toBeUndefined()
  })

  it("refuses a plain export cut anywhere, in its documents or its files, as cut short", async () => {
    const file = await run(encodeExport(contents))
    const filesStart = 6 + 4 + encodeEnvelope(documents).length
    for (const length of [7, filesStart - 1, filesStart + 2, filesStart + 4 + 1 + 2 + 10, file.length - 1]) {
      const error = await failure(decodeExport(file.slice(0, length)))
      expect(error._tag).toBe("NotAQuireExport")
      expect(error.message).toMatch(/cut short|truncated/)
    }
    const longer = new Uint8Array([...file, 0])
    expect(await failureTag(decodeExport(longer))).toBe("NotAQuireExport")
  })

  it("refuses a sealed export cut short, whatever the passphrase", async () => {
    const file = await run(encodeExport(contents, sealedOptions))
    for (const length of [20, 40, file.length - 20]) {
      expect(["WrongPassphrase", "NotAQuireExport"]).toContain(await failureTag(decodeExport(file.slice(0, length), "correct horse")))
    }
  })

  it("refuses a plain export whose file bytes were changed, naming the file", async () => {
    const file = await run(encodeExport(contents))
    const changed = file.slice()
    // The last byte of f1, before f2 (empty: id, hash and length, 43 bytes).
    changed[changed.length - 44]! ^= 1
    const error = await failure(decodeExport(changed))
    expect(error).toMatchObject({ _tag: "NotAQuireExport", message: expect.stringMatching(/file f1 is damaged/) })
  })

  it("writes a SHA-256 the caller computed as given, and the reader refuses the file when it was wrong", async () => {
    const given = { documents, files: [{ ...files[0]!, sha256: shaHex(files[0]!.bytes) }] }
    expect((await run(decodeExport(await run(encodeExport(given))))).files).toEqual(given.files)
    const wrong = { documents, files: [{ ...files[0]!, sha256: shaHex(new Uint8Array([1])) }] }
    expect((await failure(decodeExport(await run(encodeExport(wrong))))).message).toMatch(/file f1 is damaged/)
  })

  it("carries a workspace with no documents", async () => {
    const empty = { documents: [], files: [] }
    expect(await run(decodeExport(await run(encodeExport(empty))))).toEqual(empty)
  })

  it("carries a file bigger than a chunk byte for byte", async () => {
    const big = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 7919) & 0xff)
    const file = await run(encodeExport({ documents, files: [{ fileId: "big", bytes: big }] }))
    const decoded = await run(decodeExport(file))
    expect(Buffer.from(decoded.files[0]!.bytes).equals(Buffer.from(big))).toBe(true)
  })
})
