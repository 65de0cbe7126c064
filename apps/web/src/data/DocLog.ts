/**
 * Keeps `docLog` (what this device knows of each document's log on the server) up to date
 * from the changes it pulls. Written in the same transaction as the pulled documents and
 * the cursor, so it never counts a change twice or misses one.
 */
import type { ChangeKind } from "@quire/shared"
import type { DocLogRow, QuireDb } from "./QuireDb.js"
import { bulkGetStored } from "./StoredRows.js"

export interface PulledChangeFacts {
  readonly key: string
  readonly docId: string | undefined
  readonly kind: ChangeKind
  readonly size: number
  readonly deviceId: string
}

const empty = (key: string): DocLogRow => ({
  key,
  tailCount: 0,
  tailBytes: 0,
  snapshotBytes: 0,
  coveredCount: 0,
  lastChangeAt: 0,
  lastDeviceId: ""
})

/** The log after one more change: an update grows the tail, a snapshot replaces it. */
export const afterChange = (row: DocLogRow, change: PulledChangeFacts, now: number): DocLogRow => {
  const common = {
    ...row,
    ...(change.docId === undefined ? {} : { docId: change.docId }),
    lastChangeAt: now,
    lastDeviceId: change.deviceId
  }
  return change.kind === "snapshot"
    ? { ...common, tailCount: 0, tailBytes: 0, snapshotBytes: change.size, coveredCount: row.coveredCount + row.tailCount }
    : { ...common, tailCount: row.tailCount + 1, tailBytes: row.tailBytes + change.size }
}

/** Inside the pull's transaction: folds a page of pulled changes into `docLog`, in seq order. */
export const recordPulled = async (db: QuireDb, changes: ReadonlyArray<PulledChangeFacts>, now: number): Promise<void> => {
  if (changes.length === 0) return
  const keys = [...new Set(changes.map((c) => c.key))]
  const rows = new Map((await bulkGetStored(db.docLog, keys)).map((row, i) => [keys[i]!, row ?? empty(keys[i]!)]))
  for (const change of changes) rows.set(change.key, afterChange(rows.get(change.key)!, change, now))
  await db.docLog.bulkPut([...rows.values()])
}
