/**
 * The store shards by workspace (docs/decisions/0003-citus.md): Citus distributes each table
 * by its workspace column, which needs every primary and unique key to start with it. This
 * reads the keys from the catalog, so a new table or index cannot break that unnoticed.
 */
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { serverPerSuite } from "./support/TestServer.js"

/**
 * The column each table is distributed by; `rate_limits` holds no workspace's data and stays on
 * the coordinator, but its keys start with its own distribution candidate, the address bucket.
 */
const distributionColumn: Record<string, string> = {
  workspaces: "id",
  tokens: "workspace_id",
  pairings: "workspace_id",
  changes: "workspace_id",
  blobs: "workspace_id",
  rate_limits: "bucket"
}

describe.each(testDatabases())("keys ready for Citus on $name", (database) => {
  const server = serverPerSuite(database)

  it("every primary key, unique constraint and unique index starts with the workspace id (the bucket, for rate limits)", async () => {
    const keys = await server.sql<{ table: string; name: string; primary: boolean; columns: Array<string> }>(`
      SELECT t.relname AS table, ic.relname AS name, i.indisprimary AS primary,
             array(SELECT a.attname::text
                   FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   ORDER BY k.position) AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND i.indisunique
      ORDER BY t.relname, ic.relname
    `)
    expect(new Set(keys.map((key) => key.table))).toEqual(new Set(Object.keys(distributionColumn)))
    for (const key of keys)
      expect(key.columns[0], `${key.table}.${key.name} (${key.columns.join(", ")})`).toBe(distributionColumn[key.table])
    // Each table has its primary key; changes also have the idempotency key.
    expect(
      keys
        .filter((key) => key.primary)
        .map((key) => key.table)
        .sort()
    ).toEqual(Object.keys(distributionColumn).sort())
    expect(keys.find((key) => key.name === "changes_idempotency_key")?.columns).toEqual(["workspace_id", "device_id", "client_seq"])
  })

  it("every foreign key joins on the workspace id, so related rows stay on one shard", async () => {
    const foreignKeys = await server.sql<{ table: string; columns: Array<string>; target: string; targetColumns: Array<string> }>(`
      SELECT t.relname AS table, ft.relname AS target,
             array(SELECT a.attname::text FROM unnest(c.conkey) AS k(attnum) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
             array(SELECT a.attname::text FROM unnest(c.confkey) AS k(attnum) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS "targetColumns"
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_class ft ON ft.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND c.contype = 'f'
    `)
    expect(foreignKeys.map((fk) => fk.table).sort()).toEqual(["blobs", "changes", "pairings", "tokens"])
    for (const fk of foreignKeys)
      expect([fk.columns, fk.target, fk.targetColumns], fk.table).toEqual([["workspace_id"], "workspaces", ["id"]])
  })
})
