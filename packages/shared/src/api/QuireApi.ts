/** The whole REST contract, served under `/api/v1`. */
import { HttpApi, OpenApi } from "@effect/platform"
import { BackupApi } from "./BackupApi.js"
import { BlobsApi } from "./BlobsApi.js"
import { ChangesApi } from "./ChangesApi.js"
import { DevicesApi } from "./DevicesApi.js"
import { MalformedBody, PayloadTooLarge, ProtocolMismatch, RouteNotFound } from "./Errors.js"
import { HealthApi } from "./HealthApi.js"
import { WorkspacesApi } from "./WorkspacesApi.js"

export const apiPrefix = "/api/v1"

export class QuireApi extends HttpApi.make("quire")
  .add(HealthApi)
  .add(WorkspacesApi)
  .add(ChangesApi)
  .add(DevicesApi)
  .add(BlobsApi)
  .add(BackupApi)
  .addError(MalformedBody)
  .addError(PayloadTooLarge)
  .addError(RouteNotFound)
  .addError(ProtocolMismatch)
  .prefix(apiPrefix)
  .annotate(OpenApi.Title, "Quire byte store")
  .annotate(
    OpenApi.Description,
    "An end-to-end-encrypted byte store: the server keeps opaque change blobs per workspace and never reads them."
  ) {}
