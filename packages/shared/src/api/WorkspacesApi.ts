import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { Forbidden, ServerFull, WorkspaceNotFound } from "./Errors.js"
import { Limits } from "./Limits.js"
import { Authentication, RateLimit } from "./Middleware.js"
import { Seq, WorkspaceCredentials, WorkspaceId } from "./Schemas.js"

export const Label = Schema.String.pipe(Schema.maxLength(Limits.maxLabelLength))

export const WorkspacePath = Schema.Struct({ ws: WorkspaceId })

export const WorkspaceInfo = Schema.Struct({
  workspaceId: WorkspaceId,
  headSeq: Seq,
  /** Changes stored now: compaction removes the ones a snapshot covers. */
  changeCount: Schema.NonNegativeInt,
  /** Bytes stored, changes and blobs together, against `quotaBytes`. */
  bytesUsed: Schema.NonNegativeInt,
  quotaBytes: Schema.NonNegativeInt,
  createdAt: Schema.Date
})

export class WorkspacesApi extends HttpApiGroup.make("workspaces")
  .add(
    HttpApiEndpoint.post("create", "/workspaces")
      .setPayload(Schema.Struct({ label: Schema.optional(Label) }))
      .addSuccess(WorkspaceCredentials, { status: 201 })
      .addError(ServerFull)
      .middleware(RateLimit)
  )
  .add(
    HttpApiEndpoint.get("get", "/workspaces/:ws")
      .setPath(WorkspacePath)
      .addSuccess(WorkspaceInfo)
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.del("delete", "/workspaces/:ws")
      .setPath(WorkspacePath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  ) {}
