/**
 * When a device compacts a document: a snapshot of it replaces the changes before it on the
 * server (DESIGN.md, "Compaction is per document"). Two rules, so compaction costs little
 * while a note is being written and the server keeps little once it is not:
 *
 * - While a document is busy, compact when the changes past its snapshot are at least as many
 *   as the snapshot replaced (and at least `minTail`). The snapshots then cover 1, 2, 4, 8 …
 *   times `minTail` changes: uploads stay within a small multiple of the final snapshot
 *   however long a note is typed into.
 * - Once a document has been quiet for `quietMs`, compact it if what lies past its snapshot
 *   weighs at least half the snapshot (and is more than one change). At rest, the server then
 *   holds about one snapshot per document.
 *
 * Only the device that wrote a document's latest change compacts it, so devices do not race
 * to upload the same snapshot; if that device has gone silent, any device takes over once
 * the tail is four times past the busy threshold.
 */
import type { DocLogRow } from "../data/QuireDb.js"

export interface CompactionOptions {
  readonly minTail: number
  readonly quietMs: number
}

export const defaultCompaction: CompactionOptions = { minTail: 32, quietMs: 10_000 }

export const compactionDue = (row: DocLogRow, deviceId: string, now: number, options: CompactionOptions): boolean => {
  if (row.tailCount < 2) return false
  const busyThreshold = Math.max(options.minTail, row.coveredCount)
  if (row.lastDeviceId !== deviceId) return row.tailCount >= 4 * busyThreshold
  if (row.tailCount >= busyThreshold) return true
  return now - row.lastChangeAt >= options.quietMs && 2 * row.tailBytes >= row.snapshotBytes
}

/** How long until a document that is not due yet becomes due by the quiet rule, if it ever does. */
export const quietIn = (row: DocLogRow, deviceId: string, now: number, options: CompactionOptions): number | undefined =>
  row.tailCount >= 2 && row.lastDeviceId === deviceId && 2 * row.tailBytes >= row.snapshotBytes
    ? Math.max(0, row.lastChangeAt + options.quietMs - now)
    : undefined
