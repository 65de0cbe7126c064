/**
 * Applies the checked-in drizzle-kit migrations. An advisory lock serialises processes that
 * start together on one database, so each migration runs exactly once.
 *
 * Before migrating, a database written by Quire's v1 store is recognised: v1 kept one
 * snapshot per workspace and its changes carry no document key, so its rows cannot become v2
 * rows. An empty v1 database simply migrates; one that holds workspaces is left untouched and
 * the start stops with `LegacyDatabase`, which says how to move the notes across.
 */
import { drizzle } from "drizzle-orm/node-postgres"
import { migrate } from "drizzle-orm/node-postgres/migrator"
import { Data, Effect } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type pg from "pg"

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle")
const migrationLockKey = 0x51_75_69_72 // "Quir"

/** The database holds v1 workspaces; nothing was changed. Its message is the one line the server prints. */
export class LegacyDatabase extends Data.TaggedError("LegacyDatabase")<{ readonly message: string }> {}

/** How many workspaces a v1 database holds (v1's `workspaces` has `snapshot_seq`), or null for any other database. */
const v1WorkspaceCount = async (client: pg.PoolClient): Promise<number | null> => {
  const { rows } = await client.query<{ v1: boolean }>(
    `SELECT EXISTS (
       SELECT 1 FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = 'workspaces' AND column_name = 'snapshot_seq'
     ) AS v1`
  )
  if (!rows[0]?.v1) return null
  const count = await client.query<{ n: string }>("SELECT count(*) AS n FROM workspaces")
  return Number(count.rows[0]!.n)
}

export const runMigrations = (pool: pg.Pool) =>
  Effect.tryPromise({
    try: async () => {
      const client = await pool.connect()
      try {
        await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey])
        try {
          const legacy = await v1WorkspaceCount(client)
          if (legacy !== null && legacy > 0) {
            throw new LegacyDatabase({
              message: `This database holds ${legacy} workspace${legacy === 1 ? "" : "s"} in Quire's v1 format; export each workspace with the old build and import it with this one (nothing was changed).`
            })
          }
          await migrate(drizzle(client), { migrationsFolder })
        } finally {
          await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey])
        }
      } finally {
        client.release()
      }
    },
    catch: (error) => error
  }).pipe(
    Effect.catchAll((error) => (error instanceof LegacyDatabase ? Effect.fail(error) : Effect.die(error))),
    Effect.withSpan("runMigrations")
  )
