/**
 * The embedded default database: PGlite persisted under DATA_DIR/pg, served on a loopback
 * socket so the server talks to it through the same `pg` driver as to a real Postgres.
 *
 * PGlite is a single connection. Its socket server can multiplex clients, but unnamed
 * prepared statements of two clients can then interleave, so we allow one connection and
 * the pool that uses it must have `max: 1`.
 *
 * It runs inside the server's process, so its buffer cache is the server's memory: Postgres'
 * default 128 MB would show up as the server growing by 128 MB as soon as a backup or a first
 * pull reads the whole workspace. 16 MB is plenty here; the files it reads are real files,
 * cached by the operating system anyway.
 */
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Effect } from "effect"
import { mkdir } from "node:fs/promises"
import * as path from "node:path"

const sharedBuffers = "16MB"

export interface EmbeddedPostgres {
  readonly host: string
  readonly port: number
}

export const startEmbeddedPostgres = (dataDir: string) =>
  Effect.gen(function* () {
    const dir = path.join(dataDir, "pg")
    yield* Effect.promise(() => mkdir(dir, { recursive: true }))
    const db = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => PGlite.create({ dataDir: dir, startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${sharedBuffers}`] }),
        catch: (cause) => new Error(`Could not open the embedded database in ${dir}: ${String(cause)}`)
      }).pipe(Effect.orDie),
      (db) => Effect.promise(() => db.close()).pipe(Effect.ignore)
    )
    const server = yield* Effect.acquireRelease(
      Effect.promise(async () => {
        const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 })
        await server.start()
        return server
      }),
      (server) => Effect.promise(() => server.stop())
    )
    const port = Number(server.getServerConn().split(":").pop())
    return { host: "127.0.0.1", port } satisfies EmbeddedPostgres
  })
