import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { DeviceNotFound, Forbidden, MasterNotRevocable, PairingCodeInvalid, PairingCodeUsed, WorkspaceNotFound } from "./Errors.js"
import { Limits } from "./Limits.js"
import { Authentication, RateLimit, Role } from "./Middleware.js"
import { DeviceId, TokenId, WorkspaceId } from "./Schemas.js"
import { Label, WorkspacePath } from "./WorkspacesApi.js"

export const CreatePairingRequest = Schema.Struct({
  ttlSeconds: Schema.optional(Schema.Int.pipe(Schema.between(1, Limits.maxPairingTtlSeconds)))
})

export const Pairing = Schema.Struct({ code: Schema.String, expiresAt: Schema.Date })

export const PairRequest = Schema.Struct({
  workspaceId: WorkspaceId,
  code: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  label: Label
})

export const PairResponse = Schema.Struct({ deviceId: DeviceId, deviceToken: Schema.String })

export const Device = Schema.Struct({
  tokenId: TokenId,
  deviceId: DeviceId,
  role: Role,
  label: Schema.String,
  createdAt: Schema.Date,
  lastSeenAt: Schema.NullOr(Schema.Date),
  revokedAt: Schema.NullOr(Schema.Date)
})

export class DevicesApi extends HttpApiGroup.make("devices")
  .add(
    HttpApiEndpoint.post("createPairing", "/workspaces/:ws/pairings")
      .setPath(WorkspacePath)
      .setPayload(CreatePairingRequest)
      .addSuccess(Pairing, { status: 201 })
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.post("pair", "/pair")
      .setPayload(PairRequest)
      .addSuccess(PairResponse, { status: 201 })
      .addError(WorkspaceNotFound)
      .addError(PairingCodeInvalid)
      .addError(PairingCodeUsed)
      .middleware(RateLimit)
  )
  .add(
    HttpApiEndpoint.get("list", "/workspaces/:ws/devices")
      .setPath(WorkspacePath)
      .addSuccess(Schema.Struct({ devices: Schema.Array(Device) }))
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.del("revoke", "/workspaces/:ws/devices/:tokenId")
      .setPath(Schema.Struct({ ws: WorkspaceId, tokenId: TokenId }))
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .addError(DeviceNotFound)
      .addError(MasterNotRevocable)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.post("rotateMaster", "/workspaces/:ws/master/rotate")
      .setPath(WorkspacePath)
      .addSuccess(Schema.Struct({ masterToken: Schema.String }))
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.post("recoverMaster", "/workspaces/:ws/master/recover")
      .setPath(WorkspacePath)
      .setPayload(Schema.Struct({ label: Label }))
      .addSuccess(Schema.Struct({ masterToken: Schema.String, deviceId: DeviceId }))
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  ) {}
