/**
 * `bulkGet` that asks only for keys the table holds. Each get is a request to the database
 * even when nothing is there, and a first pull asks for thousands of documents that are not:
 * when the table holds few rows next to the keys asked, one read of its keys says which exist.
 */
import type { Table } from "dexie"

/** How many of the table's keys one read may take, per key asked, before gets are cheaper. */
const keysPerAsked = 4
/** Fewer keys than this are simply got. */
const fewKeys = 32

export const bulkGetStored = async <T, K extends string, I>(
  table: Table<T, K, I>,
  keys: ReadonlyArray<K>
): Promise<Array<T | undefined>> => {
  if (keys.length < fewKeys) return table.bulkGet([...keys])
  const limit = keys.length * keysPerAsked
  const held = await table
    .toCollection()
    .limit(limit + 1)
    .primaryKeys()
  if (held.length > limit) return table.bulkGet([...keys])
  const present = new Set<K>(held)
  const wanted = keys.filter((key) => present.has(key))
  const rows = wanted.length === 0 ? [] : await table.bulkGet(wanted)
  const byKey = new Map(wanted.map((key, i) => [key, rows[i]]))
  return keys.map((key) => byKey.get(key))
}
