/**
 * The device export file: every document's Loro snapshot and, since version 2, the plaintext
 * of every attached file, in plain or sealed with a passphrase. It restores a workspace
 * exactly, without the server. Files travel as plaintext (inside the seal, when there is one)
 * because chunk ids and chunk seals depend on the workspace key, and an import always makes a
 * new workspace with a new key: it cuts and seals each file again.
 *
 * Layout (integers big-endian):
 *   "QEXP" · version u8 (2; 1 is still read) · mode u8 (0 = plain, 1 = passphrase) · then
 *   plain:      payload
 *   passphrase: salt (16 bytes) · PBKDF2-SHA-256 iterations u32 · nonce (12 bytes) ·
 *               AES-256-GCM(payload), with everything before the ciphertext as additional data
 *   payload v1: envelope of (docId, snapshot) pairs
 *   payload v2: envelope length u32 (0: no documents) · envelope · file count u32 ·
 *               count × (fileId length u8 · fileId UTF-8 · SHA-256 of the file (32) · length u64 · bytes)
 *
 * The whole file is built and read in memory (a browser download is one Blob anyway): fine for
 * the notes and files a device holds today; a workspace of many gigabytes would need a streamed
 * format like the server backup's.
 */
import { Data, Effect, Either } from "effect"
import { bufferSource } from "../bytes/BufferSource.js"
import { decodeEnvelope, encodeEnvelope, type EnvelopeEntry } from "../envelope/EnvelopeCodec.js"

export const exportMagic = new Uint8Array([0x51, 0x45, 0x58, 0x50]) // "QEXP"
export const exportVersion = 2
/** Versions this app reads. */
const readableVersions = [1, 2]
export const defaultPbkdf2Iterations = 600_000
const saltLength = 16
const nonceLength = 12
const hashLength = 32
const headerLength = 6

export class NotAQuireExport extends Data.TaggedError("NotAQuireExport")<{ readonly message: string }> {}
export class PassphraseRequired extends Data.TaggedError("PassphraseRequired")<{ readonly message: string }> {}
export class WrongPassphrase extends Data.TaggedError("WrongPassphrase")<{ readonly message: string }> {}

/** One attached file's whole plaintext, under the file id its note's manifest names. */
export interface ExportFile {
  readonly fileId: string
  readonly bytes: Uint8Array
  /**
   * Its SHA-256 in lowercase hex: given to the encoder when the caller computed it already (it is
   * written as given), set by the decoder once checked, so a caller can compare it with a manifest.
   */
  readonly sha256?: string
}

export interface ExportContents {
  readonly documents: ReadonlyArray<EnvelopeEntry>
  readonly files: ReadonlyArray<ExportFile>
}

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

/** WebCrypto's SHA-256: native, many times faster than one written in JavaScript on large files. */
const digest = (bytes: Uint8Array) => Effect.promise(async () => new Uint8Array(await crypto.subtle.digest("SHA-256", bufferSource(bytes))))

const hexOf = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")

const bytesOfHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16))

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * The v2 payload, written into one buffer of its exact size: a file's bytes are copied once,
 * never through a growing buffer.
 */
const encodePayload = (contents: ExportContents, hashes: ReadonlyArray<Uint8Array>): Uint8Array => {
  // An envelope holds at least one document; a workspace with none exports an empty section.
  const envelope = contents.documents.length === 0 ? new Uint8Array(0) : encodeEnvelope(contents.documents)
  const files = contents.files.map((file, i) => {
    const id = utf8.encode(file.fileId)
    if (id.length === 0 || id.length > 0xff) throw new RangeError(`file id of ${id.length} bytes`)
    if (hashes[i]!.length !== hashLength) throw new RangeError(`file ${file.fileId}: a SHA-256 is ${hashLength} bytes`)
    return { id, hash: hashes[i]!, bytes: file.bytes }
  })
  const size = files.reduce((sum, file) => sum + 1 + file.id.length + hashLength + 8 + file.bytes.length, 4 + envelope.length + 4)
  const out = new Uint8Array(size)
  const view = new DataView(out.buffer)
  let at = 0
  const put = (bytes: Uint8Array) => {
    out.set(bytes, at)
    at += bytes.length
  }
  view.setUint32(at, envelope.length)
  at += 4
  put(envelope)
  view.setUint32(at, files.length)
  at += 4
  for (const file of files) {
    view.setUint8(at, file.id.length)
    at += 1
    put(file.id)
    put(file.hash)
    view.setBigUint64(at, BigInt(file.bytes.length))
    at += 8
    put(file.bytes)
  }
  return out
}

class PayloadCut extends Error {}

/** A v2 payload's parts, without copying the files' bytes; each file with the SHA-256 it was written with. */
const decodePayload = (
  payload: Uint8Array
): Either.Either<{ documents: ReadonlyArray<EnvelopeEntry>; files: Array<ExportFile & { readonly hash: Uint8Array }> }, string> => {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength)
  let at = 0
  const take = (size: number) => {
    if (size < 0 || at + size > payload.length) throw new PayloadCut()
    at += size
    return payload.subarray(at - size, at)
  }
  const u32 = () => {
    take(4)
    return view.getUint32(at - 4)
  }
  try {
    const section = take(u32())
    const documents = section.length === 0 ? Either.right([]) : decodeEnvelope(section)
    if (Either.isLeft(documents)) return Either.left(documents.left.message)
    const count = u32()
    const files: Array<ExportFile & { readonly hash: Uint8Array }> = []
    const seen = new Set<string>()
    for (let i = 0; i < count; i++) {
      const idBytes = take(take(1)[0]!)
      if (idBytes.length === 0) return Either.left(`file ${i} has an empty id`)
      const fileId = fromUtf8.decode(idBytes)
      if (seen.has(fileId)) return Either.left(`file ${fileId} appears twice`)
      seen.add(fileId)
      const hash = take(hashLength)
      take(8)
      const length = view.getBigUint64(at - 8)
      if (length > BigInt(payload.length - at)) throw new PayloadCut()
      files.push({ fileId, bytes: take(Number(length)), hash })
    }
    if (at !== payload.length) return Either.left(`${payload.length - at} bytes after the last file`)
    return Either.right({ documents: documents.right, files })
  } catch (error) {
    if (error instanceof PayloadCut) return Either.left("the file is cut short")
    if (error instanceof TypeError) return Either.left("a file id is not text")
    throw error
  }
}

export const encodeExport = (contents: ExportContents, options: ExportOptions = {}) =>
  Effect.gen(function* () {
    const hashes = yield* Effect.forEach(contents.files, (file) =>
      file.sha256 === undefined ? digest(file.bytes) : Effect.succeed(bytesOfHex(file.sha256))
    )
    const payload = encodePayload(contents, hashes)
    const header = [...exportMagic, exportVersion]
    if (options.passphrase === undefined) {
      const out = new Uint8Array(headerLength + payload.length)
      out.set([...header, 0])
      out.set(payload, headerLength)
      return out
    }
    const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(saltLength))
    const nonce = options.nonce ?? crypto.getRandomValues(new Uint8Array(nonceLength))
    const iterations = options.iterations ?? defaultPbkdf2Iterations
    const aad = new Uint8Array(headerLength + saltLength + 4 + nonceLength)
    aad.set([...header, 1])
    aad.set(salt, headerLength)
    new DataView(aad.buffer).setUint32(headerLength + saltLength, iterations)
    aad.set(nonce, headerLength + saltLength + 4)
    const key = yield* deriveKey(options.passphrase, salt, iterations)
    const sealed = yield* Effect.promise(() =>
      crypto.subtle.encrypt({ name: "AES-GCM", iv: bufferSource(nonce), additionalData: bufferSource(aad) }, key, bufferSource(payload))
    )
    const out = new Uint8Array(aad.length + sealed.byteLength)
    out.set(aad)
    out.set(new Uint8Array(sealed), aad.length)
    return out
  })

/** Whether the file needs a passphrase (undefined: not an export this app reads). */
export const exportIsSealed = (file: Uint8Array): boolean | undefined =>
  file.length >= headerLength && exportMagic.every((b, i) => file[i] === b) && readableVersions.includes(file[4]!)
    ? file[5] === 1
    : undefined

export const decodeExport = (file: Uint8Array, passphrase?: string) =>
  Effect.gen(function* () {
    const notExport = (why: string) => new NotAQuireExport({ message: `This file is not a Quire export, or it is damaged (${why}).` })
    if (file.length < headerLength || !exportMagic.every((b, i) => file[i] === b)) return yield* notExport("unknown format")
    const version = file[4]!
    if (!readableVersions.includes(version)) {
      return yield* notExport(`format version ${version}, this app reads up to ${exportVersion}; update the app`)
    }
    const mode = file[5]
    let payload: Uint8Array
    if (mode === 0) {
      payload = file.subarray(headerLength)
    } else if (mode === 1) {
      if (passphrase === undefined || passphrase === "") {
        return yield* new PassphraseRequired({ message: "This export is protected: enter its passphrase." })
      }
      const settingsEnd = headerLength + saltLength + 4 + nonceLength
      if (file.length < settingsEnd) return yield* notExport("the file is cut short")
      const salt = file.subarray(headerLength, headerLength + saltLength)
      const iterations = new DataView(file.buffer, file.byteOffset + headerLength + saltLength, 4).getUint32(0)
      const nonce = file.subarray(headerLength + saltLength + 4, settingsEnd)
      if (iterations < 1 || iterations > 10_000_000) return yield* notExport("implausible key settings")
      const key = yield* deriveKey(passphrase, salt, iterations)
      const opened = yield* Effect.tryPromise({
        try: () =>
          crypto.subtle.decrypt(
            { name: "AES-GCM", iv: bufferSource(nonce), additionalData: bufferSource(file.subarray(0, settingsEnd)) },
            key,
            bufferSource(file.subarray(settingsEnd))
          ),
        catch: () => new WrongPassphrase({ message: "The passphrase is wrong, or the file was changed or cut short." })
      })
      payload = new Uint8Array(opened)
    } else {
      return yield* notExport(`unknown mode ${mode}`)
    }
    if (version === 1) {
      const documents = decodeEnvelope(payload)
      if (Either.isLeft(documents)) return yield* notExport(documents.left.message)
      return { documents: documents.right, files: [] } satisfies ExportContents
    }
    const contents = decodePayload(payload)
    if (Either.isLeft(contents)) return yield* notExport(contents.left)
    const files: Array<ExportFile> = []
    for (const { fileId, bytes, hash } of contents.right.files) {
      const actual = yield* digest(bytes)
      if (!actual.every((b, i) => b === hash[i])) return yield* notExport(`file ${fileId} is damaged`)
      files.push({ fileId, bytes, sha256: hexOf(actual) })
    }
    return { documents: contents.right.documents, files } satisfies ExportContents
  })
