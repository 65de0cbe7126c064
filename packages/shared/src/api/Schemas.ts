/** Payload and response shapes shared by several endpoints. */
import { Either, Encoding, ParseResult, Schema } from "effect"
import { decodeBase64, encodeBase64 } from "../bytes/Base64.js"
import { Limits } from "./Limits.js"

/** Opaque bytes on the JSON wire: standard base64. Bad base64 is a 400. */
export const Bytes = Schema.transformOrFail(Schema.String, Schema.Uint8ArrayFromSelf, {
  strict: true,
  decode: (text, _, ast) => {
    const bytes = decodeBase64(text)
    return bytes
      ? ParseResult.succeed(bytes)
      : ParseResult.fail(new ParseResult.Type(ast, text, "not valid base64 (standard alphabet, padded)"))
  },
  encode: (bytes) => ParseResult.succeed(encodeBase64(bytes))
}).annotations({
  description: "opaque bytes, base64 (standard alphabet, padded)",
  jsonSchema: { type: "string", description: "opaque bytes, base64 (standard alphabet, padded)" }
})

const base64UrlKey = (what: string) => {
  const description = `${what}: ${Limits.minKeyBytes} to ${Limits.maxKeyBytes} bytes, base64url without padding`
  return Schema.transformOrFail(Schema.String, Schema.Uint8ArrayFromSelf, {
    strict: true,
    decode: (text, _, ast) => {
      const bytes = /^[A-Za-z0-9_-]*$/.test(text) ? Encoding.decodeBase64Url(text) : undefined
      if (bytes === undefined || Either.isLeft(bytes))
        return ParseResult.fail(new ParseResult.Type(ast, text, `not base64url (${description})`))
      const size = bytes.right.length
      return size >= Limits.minKeyBytes && size <= Limits.maxKeyBytes
        ? ParseResult.succeed(bytes.right)
        : ParseResult.fail(new ParseResult.Type(ast, text, `${size} bytes; ${description}`))
    },
    encode: (bytes) => ParseResult.succeed(Encoding.encodeBase64Url(bytes))
  }).annotations({ description, jsonSchema: { type: "string", description } })
}

/** A document's compaction key: opaque to the server, derived by the client from the document id. */
export const DocKey = base64UrlKey("document key")

/** A blob's id: opaque to the server, derived by the client from the chunk it seals. */
export const BlobId = base64UrlKey("blob id")

export const WorkspaceId = Schema.UUID.annotations({ description: "workspace id (uuid)" })
export const DeviceId = Schema.UUID.annotations({ description: "device id (uuid)" })
export const TokenId = Schema.UUID.annotations({ description: "token id (uuid, the JWT subject)" })

/** A sequence number assigned by the server: 1, 2, 3 … per workspace. */
export const Seq = Schema.NonNegativeInt

/** A device's own counter for its outbox entries; the idempotency key of a push. */
export const ClientSeq = Schema.Int.pipe(Schema.positive())

/** Integer in a query string. */
export const IntFromQuery = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())

/** What a new workspace (created or restored) hands its first device. */
export const WorkspaceCredentials = Schema.Struct({
  workspaceId: WorkspaceId,
  deviceId: DeviceId,
  masterToken: Schema.String
})
