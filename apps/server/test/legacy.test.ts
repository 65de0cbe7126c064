/**
 * A database written by Quire's v1 store (one snapshot per workspace, changes without keys)
 * is never dropped silently: if it holds workspaces the server refuses to start and says how
 * to move the notes; if it is empty it simply migrates.
 */
import { PGlite } from "@electric-sql/pglite"
import { drizzle as drizzlePglite } from "drizzle-orm/pglite"
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator"
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres"
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator"
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import pg from "pg"
import { afterEach, beforeEach, describe, expect, it } from "vitest"
import { tempDir, testDatabases, type ProvisionedStore, type TestDatabase } from "./support/databases.js"
import { createWorkspace } from "./support/Http.js"
import { runServerExpectingFailure, spawnServer } from "./support/TestServer.js"

const drizzleFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../drizzle")

/** The migrations folder as v1 shipped it: 0000_initial only. */
const v1Migrations = async () => {
  const folder = await tempDir("v1-migrations")
  await mkdir(path.join(folder, "meta"))
  await copyFile(path.join(drizzleFolder, "0000_initial.sql"), path.join(folder, "0000_initial.sql"))
  const journal = JSON.parse(await readFile(path.join(drizzleFolder, "meta/_journal.json"), "utf8"))
  await writeFile(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...journal, entries: journal.entries.slice(0, 1) }))
  return folder
}

const v1Workspace = `INSERT INTO workspaces (id, head_seq, snapshot_seq, bytes_used) VALUES ('6f1c2a34-0000-4000-8000-000000000001', 3, 2, 42)`

/** Runs `statements` against the store's database once v1's migration has been applied to it. */
const asV1 = async (database: TestDatabase, store: ProvisionedStore, statements: ReadonlyArray<string>) => {
  const migrationsFolder = await v1Migrations()
  try {
    if (database.name === "embedded") {
      const db = await PGlite.create({ dataDir: path.join(store.env.DATA_DIR!, "pg") })
      await migratePglite(drizzlePglite(db), { migrationsFolder })
      const results = []
      for (const statement of statements) results.push((await db.query(statement)).rows)
      await db.close()
      return results
    }
    const client = new pg.Client({ connectionString: store.env.DATABASE_URL })
    await client.connect()
    await migratePg(drizzlePg(client), { migrationsFolder })
    const results = []
    for (const statement of statements) results.push((await client.query(statement)).rows)
    await client.end()
    return results
  } finally {
    await rm(migrationsFolder, { recursive: true, force: true })
  }
}

describe.each(testDatabases())("a v1 database on $name", (database) => {
  let store: ProvisionedStore | undefined
  beforeEach(async () => {
    store = await database.provision()
  })
  afterEach(async () => {
    await store?.cleanup()
  })

  it("that holds workspaces stops the start with one line saying how to move them, and is left unchanged", async () => {
    await asV1(database, store!, [v1Workspace])
    const { code, output } = await runServerExpectingFailure(store!.env)
    expect(code).not.toBe(0)
    expect(output.trim().split("\n")).toEqual([
      "This database holds 1 workspace in Quire's v1 format; export each workspace with the old build and import it with this one (nothing was changed)."
    ])
    const [rows] = await asV1(database, store!, ["SELECT head_seq::int AS head, snapshot_seq::int AS snapshot FROM workspaces"])
    expect(rows).toEqual([{ head: 3, snapshot: 2 }])
  })

  it("that is empty migrates to v2 and serves", async () => {
    await asV1(database, store!, [])
    const server = await spawnServer(store!.env)
    try {
      const ws = await createWorkspace(server.url)
      expect(ws.workspaceId).toMatch(/^[0-9a-f-]{36}$/)
    } finally {
      await server.stop()
    }
  })
})
