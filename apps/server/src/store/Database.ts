/**
 * The one storage code path: a `pg` pool and drizzle over it, pointed at a real Postgres when
 * DATABASE_URL is set and at the embedded PGlite otherwise. Schema migrations run on start.
 */
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres"
import { Context, Effect, Layer, Option, Redacted } from "effect"
import pg from "pg"
import { AppConfig } from "../config/AppConfig.js"
import { startEmbeddedPostgres } from "./EmbeddedPostgres.js"
import { runMigrations } from "./Migrations.js"
import * as schema from "./schema.js"

export type Db = NodePgDatabase<typeof schema>

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0]

export interface DatabaseShape {
  readonly kind: "embedded" | "postgres"
  readonly db: Db
  readonly pool: pg.Pool
  /** Connection settings for a dedicated client (LISTEN); only a real Postgres has spare ones. */
  readonly listenConfig: Option.Option<pg.ClientConfig>
  /** A query whose failure the caller cannot act on: it becomes a defect (HTTP 500). */
  readonly query: <A>(run: (db: Db) => Promise<A>) => Effect.Effect<A>
  /**
   * Runs `run` in one transaction. `abort(error)` rolls back and fails the effect with `error`;
   * anything else thrown rolls back and is a defect. `signal` fires when the effect is
   * interrupted (the client went away), so a long `run` can stop early and roll back.
   */
  readonly transaction: <A, E = never>(
    run: (tx: Tx, abort: (error: E) => never, signal: AbortSignal) => Promise<A>,
    options?: { readonly isolationLevel?: "read committed" | "repeatable read"; readonly accessMode?: "read only" }
  ) => Effect.Effect<A, E>
}

export class Database extends Context.Tag("@quire/server/Database")<Database, DatabaseShape>() {}

const openPool = (config: pg.PoolConfig) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const pool = new pg.Pool(config)
      // An idle client losing its connection must not crash the process; the pool replaces it.
      pool.on("error", () => {})
      return pool
    }),
    (pool) => Effect.promise(() => pool.end())
  )

export const DatabaseLive = Layer.scoped(
  Database,
  Effect.gen(function* () {
    const config = yield* AppConfig
    const shape = yield* Option.match(config.databaseUrl, {
      onNone: () =>
        Effect.gen(function* () {
          const embedded = yield* startEmbeddedPostgres(config.dataDir)
          const pool = yield* openPool({
            host: embedded.host,
            port: embedded.port,
            user: "postgres",
            database: "postgres",
            max: 1
          })
          return { kind: "embedded" as const, pool, listenConfig: Option.none<pg.ClientConfig>() }
        }),
      onSome: (url) =>
        Effect.gen(function* () {
          const connectionString = Redacted.value(url)
          const pool = yield* openPool({ connectionString, max: 10 })
          return { kind: "postgres" as const, pool, listenConfig: Option.some({ connectionString }) }
        })
    })
    yield* runMigrations(shape.pool)
    const db = drizzle(shape.pool, { schema })
    return { ...shape, db, query: makeQuery(db), transaction: makeTransaction(db) }
  })
)

const makeQuery =
  (db: Db) =>
  <A>(run: (db: Db) => Promise<A>): Effect.Effect<A> =>
    Effect.promise(() => run(db))

/** Thrown inside a transaction to roll it back and fail with a typed error. */
class Abort<E> {
  constructor(readonly error: E) {}
}

const makeTransaction =
  (db: Db): DatabaseShape["transaction"] =>
  (run, options) =>
    Effect.tryPromise({
      try: (signal) =>
        db.transaction(
          (tx) =>
            run(
              tx,
              (error) => {
                // eslint-disable-next-line @typescript-eslint/only-throw-error -- a sentinel the catch below unwraps: it never leaves this function, so it needs no stack
                throw new Abort(error)
              },
              signal
            ),
          options
        ),
      catch: (thrown) => thrown
    }).pipe(Effect.catchAll((thrown) => (thrown instanceof Abort ? Effect.fail(thrown.error) : Effect.die(thrown))))
