/** Payload and response shapes shared by several endpoints. */
import { Schema } from "effect"

/** Opaque bytes on the JSON wire: standard base64. Bad base64 is a 400. */
export const Bytes = Schema.Uint8ArrayFromBase64.annotations({
  description: "opaque bytes, base64 (standard alphabet, padded)"
})

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
