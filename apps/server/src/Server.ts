/**
 * The whole server as one Layer, from a validated configuration: database, services, HTTP.
 * `main.ts` launches it; tests launch it in-process on port 0.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer, Logger } from "effect"
import { createServer } from "node:http"
import { LastSeen } from "./auth/LastSeen.js"
import { Pairings } from "./auth/Pairings.js"
import { Tokens } from "./auth/Tokens.js"
import { AppConfig, type AppConfigShape } from "./config/AppConfig.js"
import { ApiServerLive } from "./http/ApiServer.js"
import { Notifier } from "./notify/Notifier.js"
import { Backups } from "./store/Backups.js"
import { Blobs } from "./store/Blobs.js"
import { ChangeLog } from "./store/ChangeLog.js"
import { DatabaseLive } from "./store/Database.js"
import { RateLimits } from "./store/RateLimits.js"
import { ServerUsage } from "./store/ServerUsage.js"
import { Workspaces } from "./store/Workspaces.js"

/**
 * Released before the HTTP server closes (it is built after it): answers every open long-poll,
 * so a graceful stop does not wait out their timeouts.
 */
const DrainLongPollsOnStop = Layer.scopedDiscard(
  Effect.gen(function* () {
    const notifier = yield* Notifier
    yield* HttpServer.HttpServer
    yield* Effect.addFinalizer(() => notifier.drain)
  })
)

/**
 * Node's default limit of five minutes for a whole request would cut off a large restore
 * upload on an ordinary connection, so it is off; a restore has its own idle limit instead
 * (BackupHandlers), headers must still arrive within a minute, and every other body is
 * bounded by MAX_BODY_BYTES.
 */
const createHttpServer = () => createServer({ requestTimeout: 0 })

const ServicesLive = Layer.mergeAll(
  Workspaces.Default,
  ChangeLog.Default,
  Blobs.Default,
  Pairings.Default,
  Backups.Default,
  RateLimits.Default
).pipe(
  Layer.provideMerge(Notifier.Default),
  Layer.provideMerge(Layer.merge(Tokens.Default, ServerUsage.Default)),
  Layer.provideMerge(LastSeen.Default),
  Layer.provideMerge(DatabaseLive)
)

export const serverLayer = (config: AppConfigShape) =>
  Layer.mergeAll(ApiServerLive, DrainLongPollsOnStop).pipe(
    Layer.provideMerge(NodeHttpServer.layer(createHttpServer, { port: config.port, host: config.host })),
    Layer.provideMerge(ServicesLive),
    Layer.provide(Layer.succeed(AppConfig, config)),
    Layer.provide(Logger.minimumLogLevel(config.logLevel))
  )
