import { HttpApiEndpoint, HttpApiGroup } from "@effect/platform"
import { Schema } from "effect"
import { ClientSeqReused, CompactionConflict, Forbidden, QuotaExceeded, ServerFull, WorkspaceNotFound } from "./Errors.js"
import { Limits } from "./Limits.js"
import { Authentication } from "./Middleware.js"
import { Bytes, ClientSeq, DeviceId, DocKey, IntFromQuery, Seq } from "./Schemas.js"
import { WorkspacePath } from "./WorkspacesApi.js"

export const PushChange = Schema.Struct({ clientSeq: ClientSeq, key: DocKey, data: Bytes })

export const PushRequest = Schema.Struct({
  changes: Schema.Array(PushChange).pipe(Schema.minItems(1), Schema.maxItems(Limits.maxChangesPerPush))
})

export const PushResult = Schema.Struct({ clientSeq: ClientSeq, seq: Seq })

export const PushResponse = Schema.Struct({ results: Schema.Array(PushResult), headSeq: Seq })

/** An update carries some edits of a document; a snapshot carries all of them up to its seq. */
export const ChangeKind = Schema.Literal("update", "snapshot")
export type ChangeKind = typeof ChangeKind.Type

export const PulledChange = Schema.Struct({ seq: Seq, deviceId: DeviceId, key: DocKey, kind: ChangeKind, data: Bytes })

export const PullResponse = Schema.Struct({
  changes: Schema.Array(PulledChange),
  headSeq: Seq,
  hasMore: Schema.Boolean
})

export const PullParams = Schema.Struct({
  after: Schema.optional(IntFromQuery),
  limit: Schema.optional(IntFromQuery.pipe(Schema.between(1, Limits.maxPageSize))),
  maxBytes: Schema.optional(IntFromQuery.pipe(Schema.greaterThanOrEqualTo(1)))
})

/**
 * With `limit` (and optionally `maxBytes`), a wake-up also answers with the changes after
 * `after`, as `GET changes` would page them: a device then needs no second request to read
 * what woke it.
 */
export const WaitParams = Schema.Struct({
  after: IntFromQuery,
  timeout: Schema.optional(IntFromQuery.pipe(Schema.lessThanOrEqualTo(Limits.maxWaitSeconds))),
  limit: Schema.optional(IntFromQuery.pipe(Schema.between(1, Limits.maxPageSize))),
  maxBytes: Schema.optional(IntFromQuery.pipe(Schema.greaterThanOrEqualTo(1)))
})

/** `changes` and `hasMore` come only when `limit` was asked and the head passed `after`. */
export const WaitResponse = Schema.Struct({
  headSeq: Seq,
  changes: Schema.optional(Schema.Array(PulledChange)),
  hasMore: Schema.optional(Schema.Boolean)
})

export const CompactionRequest = Schema.Struct({ key: DocKey, covers: Seq, clientSeq: ClientSeq, data: Bytes })

export const CompactionResponse = Schema.Struct({ seq: Seq, removed: Schema.NonNegativeInt, headSeq: Seq })

export class ChangesApi extends HttpApiGroup.make("changes")
  .add(
    HttpApiEndpoint.post("push", "/workspaces/:ws/changes")
      .setPath(WorkspacePath)
      .setPayload(PushRequest)
      .addSuccess(PushResponse)
      .addError(QuotaExceeded)
      .addError(ServerFull)
      .addError(ClientSeqReused)
  )
  .add(HttpApiEndpoint.get("pull", "/workspaces/:ws/changes").setPath(WorkspacePath).setUrlParams(PullParams).addSuccess(PullResponse))
  .add(HttpApiEndpoint.get("wait", "/workspaces/:ws/changes/wait").setPath(WorkspacePath).setUrlParams(WaitParams).addSuccess(WaitResponse))
  .add(
    HttpApiEndpoint.post("compact", "/workspaces/:ws/compactions")
      .setPath(WorkspacePath)
      .setPayload(CompactionRequest)
      .addSuccess(CompactionResponse)
      .addError(CompactionConflict)
      .addError(ClientSeqReused)
      .addError(QuotaExceeded)
      .addError(ServerFull)
  )
  .addError(Forbidden)
  .addError(WorkspaceNotFound)
  .middleware(Authentication) {}
