/**
 * Every expected failure of the REST API, as a tagged error carrying its HTTP status.
 * On the wire each one is `{ "_tag": "...", "message": "..." }`.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

const withMessage = { message: Schema.String }

/** 400: the request is well-formed HTTP but its body cannot be read as the endpoint expects. */
export class MalformedBody extends Schema.TaggedError<MalformedBody>()(
  "MalformedBody",
  withMessage,
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 400: a backup file that is not a Quire backup, is truncated, or fails its checksum. */
export class InvalidBackup extends Schema.TaggedError<InvalidBackup>()(
  "InvalidBackup",
  withMessage,
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 401: no bearer token, or one that does not verify. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()(
  "Unauthorized",
  withMessage,
  HttpApiSchema.annotations({ status: 401 })
) {}

/** 401: the token was revoked (device removed, master rotated, workspace deleted). */
export class TokenRevoked extends Schema.TaggedError<TokenRevoked>()(
  "TokenRevoked",
  withMessage,
  HttpApiSchema.annotations({ status: 401 })
) {}

/** 401: the token carried an expiry that has passed. */
export class TokenExpired extends Schema.TaggedError<TokenExpired>()(
  "TokenExpired",
  withMessage,
  HttpApiSchema.annotations({ status: 401 })
) {}

/** 401: a pairing code that this workspace never issued, or that has expired. */
export class PairingCodeInvalid extends Schema.TaggedError<PairingCodeInvalid>()(
  "PairingCodeInvalid",
  withMessage,
  HttpApiSchema.annotations({ status: 401 })
) {}

/** 403: the token is valid but belongs to another workspace or lacks the master role. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", withMessage, HttpApiSchema.annotations({ status: 403 })) {}

/** 404: no workspace with that id. */
export class WorkspaceNotFound extends Schema.TaggedError<WorkspaceNotFound>()(
  "WorkspaceNotFound",
  withMessage,
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 404: no device token with that id in this workspace. */
export class DeviceNotFound extends Schema.TaggedError<DeviceNotFound>()(
  "DeviceNotFound",
  withMessage,
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 404: no API endpoint at that path. */
export class RouteNotFound extends Schema.TaggedError<RouteNotFound>()(
  "RouteNotFound",
  withMessage,
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 409: the pairing code was already redeemed; codes work once. */
export class PairingCodeUsed extends Schema.TaggedError<PairingCodeUsed>()(
  "PairingCodeUsed",
  withMessage,
  HttpApiSchema.annotations({ status: 409 })
) {}

/** 409: a compaction whose `covers` lies past the workspace head (it claims changes that do not exist). */
export class CompactionConflict extends Schema.TaggedError<CompactionConflict>()(
  "CompactionConflict",
  withMessage,
  HttpApiSchema.annotations({ status: 409 })
) {}

/** 409: this device already stored different bytes under that clientSeq; nothing of the request was stored. */
export class ClientSeqReused extends Schema.TaggedError<ClientSeqReused>()(
  "ClientSeqReused",
  { message: Schema.String, clientSeq: Schema.Number },
  HttpApiSchema.annotations({ status: 409 })
) {}

/** 409: a blob with that id is already stored with other bytes. */
export class BlobConflict extends Schema.TaggedError<BlobConflict>()(
  "BlobConflict",
  withMessage,
  HttpApiSchema.annotations({ status: 409 })
) {}

/** 404: no blob with that id in this workspace. */
export class BlobNotFound extends Schema.TaggedError<BlobNotFound>()(
  "BlobNotFound",
  withMessage,
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 400: the client speaks another version of this contract; `serverVersion` says which one the server speaks. */
export class ProtocolMismatch extends Schema.TaggedError<ProtocolMismatch>()(
  "ProtocolMismatch",
  { message: Schema.String, serverVersion: Schema.Number },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 409: the master token cannot be revoked as a device; rotate it instead. */
export class MasterNotRevocable extends Schema.TaggedError<MasterNotRevocable>()(
  "MasterNotRevocable",
  withMessage,
  HttpApiSchema.annotations({ status: 409 })
) {}

/** 413: the request body is larger than the server accepts. */
export class PayloadTooLarge extends Schema.TaggedError<PayloadTooLarge>()(
  "PayloadTooLarge",
  { message: Schema.String, maxBytes: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

/** 413: storing this would take the workspace past its quota. */
export class QuotaExceeded extends Schema.TaggedError<QuotaExceeded>()(
  "QuotaExceeded",
  { message: Schema.String, quotaBytes: Schema.Number, bytesUsed: Schema.Number },
  HttpApiSchema.annotations({ status: 413 })
) {}

/** 413: the server as a whole is out of the space its operator gave it; nothing was stored. */
export class ServerFull extends Schema.TaggedError<ServerFull>()("ServerFull", withMessage, HttpApiSchema.annotations({ status: 413 })) {}

/** 429: too many unauthenticated requests from this address; retry after the given seconds. */
export class RateLimited extends Schema.TaggedError<RateLimited>()(
  "RateLimited",
  { message: Schema.String, retryAfterSeconds: Schema.Number },
  HttpApiSchema.annotations({ status: 429 })
) {}

/** Every failure the authentication middleware can answer with. */
export const AuthenticationError = Schema.Union(Unauthorized, TokenRevoked, TokenExpired)
export type AuthenticationError = typeof AuthenticationError.Type
