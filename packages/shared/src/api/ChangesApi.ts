import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, QuotaExceeded, SnapshotConflict, WorkspaceNotFound } from "./Errors.js"
import { Limits } from "./Limits.js"
import { Authentication } from "./Middleware.js"
import { Bytes, ClientSeq, DeviceId, IntFromQuery, Seq } from "./Schemas.js"
import { WorkspacePath } from "./WorkspacesApi.js"

export const PushChange = Schema.Struct({ clientSeq: ClientSeq, data: Bytes })

export const PushRequest = Schema.Struct({
  changes: Schema.Array(PushChange).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxChangesPerPush))
})

export const PushResult = Schema.Struct({ clientSeq: ClientSeq, seq: Seq })

export const PushResponse = Schema.Struct({ results: Schema.Array(PushResult), headSeq: Seq })

export const PulledChange = Schema.Struct({ seq: Seq, deviceId: DeviceId, data: Bytes })

export const Snapshot = Schema.Struct({ seq: Seq, data: Bytes })

export const PullResponse = Schema.Struct({
  snapshot: Schema.NullOr(Snapshot),
  changes: Schema.Array(PulledChange),
  headSeq: Seq,
  hasMore: Schema.Boolean
})

export const PullParams = Schema.Struct({
  after: Schema.optional(IntFromQuery),
  limit: Schema.optional(IntFromQuery.pipe(Schema.between(1, Limits.maxPageSize)))
})

export const WaitParams = Schema.Struct({
  after: IntFromQuery,
  timeout: Schema.optional(IntFromQuery.pipe(Schema.lessThanOrEqualTo(Limits.maxWaitSeconds)))
})

export const WaitResponse = Schema.Struct({ headSeq: Seq })

export class ChangesApi extends HttpApiGroup.make("changes")
  .add(
    HttpApiEndpoint.post("push", "/workspaces/:ws/changes")
      .setPath(WorkspacePath)
      .setPayload(PushRequest)
      .addSuccess(PushResponse)
      .addError(QuotaExceeded)
  )
  .add(
    HttpApiEndpoint.get("pull", "/workspaces/:ws/changes")
      .setPath(WorkspacePath)
      .setUrlParams(PullParams)
      .addSuccess(PullResponse)
  )
  .add(
    HttpApiEndpoint.get("wait", "/workspaces/:ws/changes/wait")
      .setPath(WorkspacePath)
      .setUrlParams(WaitParams)
      .addSuccess(WaitResponse)
  )
  .add(
    HttpApiEndpoint.put("putSnapshot", "/workspaces/:ws/snapshot")
      .setPath(WorkspacePath)
      .setPayload(Snapshot)
      .addSuccess(Schema.Struct({ snapshotSeq: Seq }))
      .addError(SnapshotConflict)
      .addError(QuotaExceeded)
  )
  .addError(Forbidden)
  .addError(WorkspaceNotFound)
  .middleware(Authentication) {}
