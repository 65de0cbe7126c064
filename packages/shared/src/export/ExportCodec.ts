/**
 * The device export file: every document's Loro snapshot, in plain or sealed with a
 * passphrase. It restores a workspace exactly, without the server.
 *
 * Layout (integers big-endian):
 *   "QEXP" · version u8 (= 1) · mode u8 (0 = plain, 1 = passphrase)
 *   plain:      envelope of (docId, snapshot) pairs
 *   passphrase: salt (16 bytes) · PBKDF2-SHA-256 iterations u32 · nonce (12 bytes) ·
 *               AES-256-GCM(envelope), with everything before the ciphertext as additional data
 */
import { Data, Effect, Either } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"
import { ByteReader, ByteReaderOverrun } from "../bytes/ByteReader.js"
import { ByteWriter } from "../bytes/ByteWriter.js"
import { decodeEnvelope, encodeEnvelope, type EnvelopeEntry } from "../envelope/EnvelopeCodec.js"

export const exportMagic = new Uint8Array([0x51, 0x45, 0x58, 0x50]) // "QEXP"
export const exportVersion = 1
export const defaultPbkdf2Iterations = 600_000
const saltLength = 16
const nonceLength = 12

export class NotAQuireExport extends Data.TaggedError("NotAQuireExport")<{ readonly message: string }> {}
export class PassphraseRequired extends Data.TaggedError("PassphraseRequired")<{ readonly message: string }> {}
export class WrongPassphrase extends Data.TaggedError("WrongPassphrase")<{ readonly message: string }> {}

const deriveKey = (passphrase: string, salt: Uint8Array, iterations: number) =>
  Effect.promise(async () => {
    const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveKey"])
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt: bufferSource(salt), iterations },
      material,
      { name: "AES-GCM", length: 256 },
      false,
      ["encrypt", "decrypt"]
    )
  })

export interface ExportOptions {
  /** Seal the file with this passphrase; plain when absent. */
  readonly passphrase?: string
  readonly iterations?: number
  /** For test vectors only. */
  readonly salt?: Uint8Array
  readonly nonce?: Uint8Array
}

export const encodeExport = (entries: ReadonlyArray<EnvelopeEntry>, options: ExportOptions = {}) =>
  Effect.gen(function* () {
    const envelope = encodeEnvelope(entries)
    const header = new ByteWriter().bytes(exportMagic).u8(exportVersion)
    if (options.passphrase === undefined) return header.u8(0).bytes(envelope).finish()
    const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(saltLength))
    const nonce = options.nonce ?? crypto.getRandomValues(new Uint8Array(nonceLength))
    const iterations = options.iterations ?? defaultPbkdf2Iterations
    const aad = header.u8(1).bytes(salt).u32(iterations).bytes(nonce).finish()
    const key = yield* deriveKey(options.passphrase, salt, iterations)
    const sealed = yield* Effect.promise(() =>
      crypto.subtle.encrypt({ name: "AES-GCM", iv: bufferSource(nonce), additionalData: bufferSource(aad) }, key, bufferSource(envelope))
    )
    return new ByteWriter().bytes(aad).bytes(new Uint8Array(sealed)).finish()
  })

/** Whether the file needs a passphrase (undefined: not an export at all). */
export const exportIsSealed = (file: Uint8Array): boolean | undefined =>
  file.length >= 6 && exportMagic.every((b, i) => file[i] === b) && file[4] === exportVersion ? file[5] === 1 : undefined

export const decodeExport = (file: Uint8Array, passphrase?: string) =>
  Effect.gen(function* () {
    const notExport = (why: string) => new NotAQuireExport({ message: `This file is not a Quire export (${why}).` })
    if (file.length < 6 || !exportMagic.every((b, i) => file[i] === b)) return yield* notExport("unknown format")
    if (file[4] !== exportVersion) return yield* notExport(`format version ${file[4]}, this app reads ${exportVersion}`)
    const mode = file[5]
    let envelope: Uint8Array
    if (mode === 0) {
      envelope = file.subarray(6)
    } else if (mode === 1) {
      if (passphrase === undefined || passphrase === "") {
        return yield* new PassphraseRequired({ message: "This export is protected: enter its passphrase." })
      }
      const reader = new ByteReader(file)
      let salt: Uint8Array, iterations: number, nonce: Uint8Array
      try {
        reader.bytes(6)
        salt = reader.bytes(saltLength)
        iterations = reader.u32()
        nonce = reader.bytes(nonceLength)
      } catch (error) {
        if (error instanceof ByteReaderOverrun) return yield* notExport("truncated")
        throw error
      }
      if (iterations < 1 || iterations > 10_000_000) return yield* notExport("implausible key settings")
      const key = yield* deriveKey(passphrase, salt, iterations)
      const aad = file.subarray(0, reader.position)
      const opened = yield* Effect.tryPromise({
        try: () =>
          crypto.subtle.decrypt(
            { name: "AES-GCM", iv: bufferSource(nonce), additionalData: bufferSource(aad) },
            key,
            bufferSource(file.subarray(reader.position))
          ),
        catch: () => new WrongPassphrase({ message: "The passphrase is wrong, or the file was changed." })
      })
      envelope = new Uint8Array(opened)
    } else {
      return yield* notExport(`unknown mode ${mode}`)
    }
    const entries = decodeEnvelope(envelope)
    if (Either.isLeft(entries)) return yield* notExport(entries.left.message)
    return entries.right
  })
