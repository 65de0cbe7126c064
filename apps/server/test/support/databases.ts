/**
 * The databases the suite runs against: the embedded PGlite always, and the real Postgres of
 * TEST_DATABASE_URL when it is set. Each `provision()` gives a fresh, empty store.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import pg from "pg"
import { randomBytes } from "node:crypto"

export interface ProvisionedStore {
  /** Environment for the server: DATA_DIR always, DATABASE_URL for a real Postgres. */
  readonly env: Record<string, string>
  readonly cleanup: () => Promise<void>
}

export interface TestDatabase {
  readonly name: "embedded" | "postgres"
  readonly provision: () => Promise<ProvisionedStore>
}

export const tempDir = (prefix: string) => mkdtemp(path.join(tmpdir(), `quire-${prefix}-`))

const embedded: TestDatabase = {
  name: "embedded",
  provision: async () => {
    const dataDir = await tempDir("embedded")
    return { env: { DATA_DIR: dataDir }, cleanup: () => rm(dataDir, { recursive: true, force: true }) }
  }
}

const postgres = (adminUrl: string): TestDatabase => ({
  name: "postgres",
  provision: async () => {
    const name = `quire_test_${randomBytes(6).toString("hex")}`
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    const dataDir = await tempDir("postgres")
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
      cleanup: async () => {
        const client = new pg.Client({ connectionString: adminUrl })
        await client.connect()
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await client.end()
        await rm(dataDir, { recursive: true, force: true })
      }
    }
  }
})

export const testDatabases = (): ReadonlyArray<TestDatabase> => {
  const url = process.env.TEST_DATABASE_URL
  return url ? [embedded, postgres(url)] : [embedded]
}

export const postgresOnly = (): TestDatabase | undefined => {
  const url = process.env.TEST_DATABASE_URL
  return url ? postgres(url) : undefined
}
