/**
 * Applies the checked-in drizzle-kit migrations. An advisory lock serialises processes that
 * start together on one database, so each migration runs exactly once.
 */
import { drizzle } from "drizzle-orm/node-postgres"
import { migrate } from "drizzle-orm/node-postgres/migrator"
import { Effect } from "effect"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type pg from "pg"

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle")
const migrationLockKey = 0x51_75_69_72 // "Quir"

export const runMigrations = (pool: pg.Pool) =>
  Effect.promise(async () => {
    const client = await pool.connect()
    try {
      await client.query("SELECT pg_advisory_lock($1)", [migrationLockKey])
      try {
        await migrate(drizzle(client), { migrationsFolder })
      } finally {
        await client.query("SELECT pg_advisory_unlock($1)", [migrationLockKey])
      }
    } finally {
      client.release()
    }
  }).pipe(Effect.withSpan("runMigrations"))
