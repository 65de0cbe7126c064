/** Starts the Quire server from the environment; stops gracefully on SIGTERM or SIGINT. */
import { HttpServer } from "@effect/platform"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer, Logger } from "effect"
import { loadAppConfig } from "./config/AppConfig.js"
import { Database } from "./store/Database.js"
import { serverLayer } from "./Server.js"

const program = Effect.gen(function* () {
  const config = yield* loadAppConfig.pipe(
    Effect.tapError((line) => Effect.sync(() => console.error(line))),
    Effect.orElse(() => Effect.sync(() => process.exit(1)))
  )
  return yield* Layer.launch(
    Layer.effectDiscard(
      Effect.gen(function* () {
        const { kind } = yield* Database
        const address = yield* HttpServer.addressFormattedWith(Effect.succeed)
        yield* Effect.logInfo("Quire is listening").pipe(Effect.annotateLogs({ address, db: kind, dataDir: config.dataDir }))
      })
    ).pipe(Layer.provide(serverLayer(config)))
  ).pipe(
    // A database this build must not touch: one line saying why, as for a bad configuration.
    Effect.catchTag("LegacyDatabase", (refusal) =>
      Effect.sync(() => {
        console.error(refusal.message)
        process.exit(1)
      })
    )
  )
})

program.pipe(Effect.provide(Logger.json), NodeRuntime.runMain({ disablePrettyLogger: true }))
