/**
 * The plaintext inside every encrypted blob: one or more `(docId, bytes)` pairs, where the
 * bytes are a Loro update or snapshot of that document.
 *
 * Layout (integers big-endian):
 *   version u8 (= 1) · count u32 (≥ 1) · count × (docId length u16 · docId UTF-8 · length u32 · bytes)
 */
import { Data, Either } from "effect"
import { ByteReader, ByteReaderOverrun } from "../bytes/ByteReader.js"
import { ByteWriter } from "../bytes/ByteWriter.js"

export const envelopeVersion = 1
const maxDocIdBytes = 0xffff

export interface EnvelopeEntry {
  readonly docId: string
  readonly bytes: Uint8Array
}

export class EnvelopeMalformed extends Data.TaggedError("EnvelopeMalformed")<{ readonly message: string }> {}

const utf8 = new TextEncoder()
const fromUtf8 = new TextDecoder("utf-8", { fatal: true })

export const encodeEnvelope = (entries: ReadonlyArray<EnvelopeEntry>): Uint8Array => {
  if (entries.length === 0) throw new RangeError("an envelope carries at least one document")
  const writer = new ByteWriter().u8(envelopeVersion).u32(entries.length)
  for (const entry of entries) {
    const docId = utf8.encode(entry.docId)
    if (docId.length === 0 || docId.length > maxDocIdBytes) throw new RangeError(`doc id of ${docId.length} bytes`)
    writer
      .u8(docId.length >> 8)
      .u8(docId.length & 0xff)
      .bytes(docId)
      .lengthPrefixed(entry.bytes)
  }
  return writer.finish()
}

export const decodeEnvelope = (input: Uint8Array): Either.Either<ReadonlyArray<EnvelopeEntry>, EnvelopeMalformed> => {
  const fail = (message: string) => Either.left(new EnvelopeMalformed({ message }))
  if (input.length === 0) return fail("empty envelope")
  if (input[0] !== envelopeVersion) return fail(`envelope version ${input[0]}; this app reads version ${envelopeVersion}`)
  try {
    const reader = new ByteReader(input)
    reader.u8()
    const count = reader.u32()
    if (count === 0) return fail("an envelope with no documents")
    const entries: Array<EnvelopeEntry> = []
    for (let i = 0; i < count; i++) {
      const docIdLength = (reader.u8() << 8) | reader.u8()
      if (docIdLength === 0) return fail(`entry ${i} has an empty doc id`)
      const docId = fromUtf8.decode(reader.bytes(docIdLength))
      entries.push({ docId, bytes: reader.lengthPrefixed() })
    }
    if (reader.remaining !== 0) return fail(`${reader.remaining} bytes after the last entry`)
    return Either.right(entries)
  } catch (error) {
    if (error instanceof ByteReaderOverrun || error instanceof TypeError) return fail(`truncated or garbled: ${error.message}`)
    throw error
  }
}
