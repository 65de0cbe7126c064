import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema } from "@effect/platform"
import { Forbidden, InvalidBackup, QuotaExceeded, ServerFull, WorkspaceNotFound } from "./Errors.js"
import { Authentication, RateLimit } from "./Middleware.js"
import { WorkspaceCredentials } from "./Schemas.js"
import { WorkspacePath } from "./WorkspacesApi.js"

export const BackupBytes = HttpApiSchema.Uint8Array({ contentType: "application/octet-stream" })

export class BackupApi extends HttpApiGroup.make("backup")
  .add(
    HttpApiEndpoint.get("download", "/workspaces/:ws/backup")
      .setPath(WorkspacePath)
      .addSuccess(BackupBytes)
      .addError(Forbidden)
      .addError(WorkspaceNotFound)
      .middleware(Authentication)
  )
  .add(
    HttpApiEndpoint.post("restore", "/workspaces/restore")
      .setPayload(BackupBytes)
      .addSuccess(WorkspaceCredentials, { status: 201 })
      .addError(InvalidBackup)
      .addError(QuotaExceeded)
      .addError(ServerFull)
      .middleware(RateLimit)
  ) {}
