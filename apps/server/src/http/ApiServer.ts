/**
 * The HTTP surface: the QuireApi implementation, its middlewares, the OpenAPI docs and the
 * static web app, served by whatever `HttpServer` is provided.
 */
import { HttpApiBuilder, HttpApiSwagger, HttpMiddleware } from "@effect/platform"
import { apiPrefix, QuireApi } from "@quire/shared"
import { Layer } from "effect"
import { accessLog } from "./AccessLog.js"
import { AuthenticationLive } from "./AuthenticationLive.js"
import { BodyGuardLive } from "./BodyGuard.js"
import { BackupHandlers } from "./handlers/BackupHandlers.js"
import { BlobsHandlers } from "./handlers/BlobsHandlers.js"
import { ChangesHandlers } from "./handlers/ChangesHandlers.js"
import { DevicesHandlers } from "./handlers/DevicesHandlers.js"
import { HealthHandlers } from "./handlers/HealthHandlers.js"
import { WorkspacesHandlers } from "./handlers/WorkspacesHandlers.js"
import { ProtocolGuardLive } from "./ProtocolGuard.js"
import { RateLimitLive } from "./RateLimitLive.js"
import { withSecurityHeaders } from "./SecurityHeaders.js"
import { StaticFilesLive } from "./StaticFiles.js"

const ApiLive = HttpApiBuilder.api(QuireApi).pipe(
  Layer.provide([HealthHandlers, WorkspacesHandlers, ChangesHandlers, DevicesHandlers, BlobsHandlers, BackupHandlers]),
  Layer.provide([AuthenticationLive, RateLimitLive])
)

/**
 * Tracing is off: no exporter is configured, so a span per request would cost CPU and tell
 * no one anything.
 */
export const ApiServerLive = HttpApiBuilder.serve(accessLog).pipe(
  Layer.provide(HttpApiSwagger.layer({ path: `${apiPrefix}/docs` })),
  Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: `${apiPrefix}/openapi.json` })),
  Layer.provide(StaticFilesLive),
  Layer.provide(BodyGuardLive),
  Layer.provide(ProtocolGuardLive),
  Layer.provide(ApiLive),
  withSecurityHeaders,
  HttpMiddleware.withTracerDisabledWhen(() => true)
)
