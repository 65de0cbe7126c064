/**
 * The whole server as one Layer, from a validated configuration: database, services, HTTP.
 * `main.ts` launches it; tests launch it in-process on port 0.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Context, Effect, Layer, Logger } from "effect"
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { Socket } from "node:net"
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

/** The node server under the platform's, for what the platform does not reach: its connections. */
class NodeServer extends Context.Tag("@quire/server/NodeServer")<
  NodeServer,
  { readonly server: Server; readonly closeConnectionsWithoutRequest: () => void }
>() {}

/**
 * Released before the HTTP server closes (it is built after it): answers every open long-poll,
 * so a graceful stop does not wait out their timeouts, and closes each kept connection as soon
 * as it is idle, so it does not wait out the keep-alive either. Node's own close ends idle
 * connections, but not one that never sent a request (a client's fetch aborted while it
 * connected leaves one), which would hold the stop until its client gave up.
 */
const DrainLongPollsOnStop = Layer.scopedDiscard(
  Effect.gen(function* () {
    const notifier = yield* Notifier
    const { server, closeConnectionsWithoutRequest } = yield* NodeServer
    yield* HttpServer.HttpServer
    yield* Effect.addFinalizer(() =>
      Effect.zipRight(
        Effect.sync(() => {
          server.keepAliveTimeout = 1
          closeConnectionsWithoutRequest()
        }),
        notifier.drain
      )
    )
  })
)

/**
 * Node's default limit of five minutes for a whole request would cut off a large restore
 * upload on an ordinary connection, so it is off; a restore has its own idle limit instead
 * (BackupHandlers), headers must still arrive within a minute, and every other body is
 * bounded by MAX_BODY_BYTES.
 *
 * An idle connection is kept for a minute (Node's default is five seconds): a device's sync
 * worker keeps one beside its long-poll, so the push after a pause in typing finds it open
 * instead of opening a new one (over TLS, a handshake more on the way to the other device).
 */
const NodeServerLive = Layer.sync(NodeServer, () => {
  const server = createServer({ requestTimeout: 0, keepAliveTimeout: 60_000 })
  const withoutRequest = new Set<Socket>()
  server.on("connection", (socket: Socket) => {
    withoutRequest.add(socket)
    socket.once("close", () => withoutRequest.delete(socket))
  })
  server.on("request", (request: IncomingMessage) => withoutRequest.delete(request.socket))
  return { server, closeConnectionsWithoutRequest: () => withoutRequest.forEach((socket) => socket.destroy()) }
})

const HttpServerLive = (config: AppConfigShape) =>
  Layer.unwrapEffect(Effect.map(NodeServer, ({ server }) => NodeHttpServer.layer(() => server, { port: config.port, host: config.host })))

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
    Layer.provideMerge(HttpServerLive(config)),
    Layer.provideMerge(NodeServerLive),
    Layer.provideMerge(ServicesLive),
    Layer.provide(Layer.succeed(AppConfig, config)),
    Layer.provide(Logger.minimumLogLevel(config.logLevel))
  )
