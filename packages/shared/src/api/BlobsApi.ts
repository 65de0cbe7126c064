import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"
import { BlobConflict, BlobNotFound, Forbidden, QuotaExceeded, ServerFull, WorkspaceNotFound } from "./Errors.js"
import { Limits } from "./Limits.js"
import { Authentication } from "./Middleware.js"
import { BlobId, WorkspaceId } from "./Schemas.js"
import { WorkspacePath } from "./WorkspacesApi.js"

export const BlobBytes = HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" })

export const BlobPath = Schema.Struct({ ws: WorkspaceId, id: BlobId })

export const MissingBlobsRequest = Schema.Struct({
  ids: Schema.Array(BlobId).pipe(Schema.maxItems(Limits.maxMissingQuery))
})

export const MissingBlobsResponse = Schema.Struct({ missing: Schema.Array(BlobId) })

/** Sealed attachment chunks: content-addressed by the client, opaque to the server. */
export class BlobsApi extends HttpApiGroup.make("blobs")
  .add(
    HttpApiEndpoint.put("put", "/workspaces/:ws/blobs/:id")
      .setPath(BlobPath)
      .setPayload(BlobBytes)
      .addSuccess(Schema.Struct({ stored: Schema.Literal("new") }), { status: 201 })
      .addSuccess(Schema.Struct({ stored: Schema.Literal("already") }), { status: 200 })
      .addError(BlobConflict)
      .addError(QuotaExceeded)
      .addError(ServerFull)
  )
  .add(HttpApiEndpoint.get("get", "/workspaces/:ws/blobs/:id").setPath(BlobPath).addSuccess(BlobBytes).addError(BlobNotFound))
  .add(
    HttpApiEndpoint.post("missing", "/workspaces/:ws/blobs/missing")
      .setPath(WorkspacePath)
      .setPayload(MissingBlobsRequest)
      .addSuccess(MissingBlobsResponse)
  )
  .add(HttpApiEndpoint.del("delete", "/workspaces/:ws/blobs/:id").setPath(BlobPath).addSuccess(HttpApiSchema.NoContent))
  .addError(Forbidden)
  .addError(WorkspaceNotFound)
  .middleware(Authentication) {}
