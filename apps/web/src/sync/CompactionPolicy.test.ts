import { describe, expect, it } from "vitest"
import type { DocLogRow } from "../data/QuireDb.js"
import { compactionDue, quietIn } from "./CompactionPolicy.js"

const me = "device-a"
const options = { minTail: 32, quietMs: 10_000 }
const row = (patch: Partial<DocLogRow>): DocLogRow => ({
  key: "k",
  docId: "d",
  tailCount: 0,
  tailBytes: 0,
  snapshotBytes: 0,
  coveredCount: 0,
  lastChangeAt: 0,
  lastDeviceId: me,
  ...patch
})

describe("the compaction policy", () => {
  it("while a document is busy, compacts when its tail is as long as what the snapshot replaced, so snapshots double", () => {
    const busyAt = 1_000
    expect(compactionDue(row({ tailCount: 31, lastChangeAt: busyAt }), me, busyAt, options)).toBe(false)
    expect(compactionDue(row({ tailCount: 32, lastChangeAt: busyAt }), me, busyAt, options)).toBe(true)
    expect(compactionDue(row({ tailCount: 63, coveredCount: 64, lastChangeAt: busyAt }), me, busyAt, options)).toBe(false)
    expect(compactionDue(row({ tailCount: 64, coveredCount: 64, lastChangeAt: busyAt }), me, busyAt, options)).toBe(true)
  })

  it("once a document is quiet, compacts a tail that weighs at least half its snapshot", () => {
    const quiet = row({ tailCount: 3, tailBytes: 500, snapshotBytes: 1000, lastChangeAt: 0 })
    expect(compactionDue(quiet, me, 9_999, options)).toBe(false)
    expect(quietIn(quiet, me, 9_999, options)).toBe(1)
    expect(compactionDue(quiet, me, 10_000, options)).toBe(true)
    expect(compactionDue({ ...quiet, tailBytes: 499 }, me, 10_000, options)).toBe(false)
    expect(quietIn({ ...quiet, tailBytes: 499 }, me, 10_000, options)).toBeUndefined()
  })

  it("never replaces a single change with a snapshot of it", () => {
    expect(compactionDue(row({ tailCount: 1, tailBytes: 5000, lastChangeAt: 0 }), me, 60_000, options)).toBe(false)
  })

  it("leaves a document to the device that wrote its latest change, unless that device has fallen far behind", () => {
    const theirs = row({ tailCount: 100, lastDeviceId: "device-b", lastChangeAt: 0 })
    expect(compactionDue(theirs, me, 60_000, options)).toBe(false)
    expect(compactionDue({ ...theirs, tailCount: 128 }, me, 60_000, options)).toBe(true)
  })

  it("uploads at most a few times the final snapshot over a thousand edits of one note", () => {
    // Loro's snapshot of a note grows by about 10 bytes an edit from about 650; each update is about 208 sealed.
    const snapshotAfter = (edits: number) => 650 + 10 * edits
    let log = row({})
    let uploaded = 0
    for (let edit = 1; edit <= 1000; edit++) {
      log = { ...log, tailCount: log.tailCount + 1, tailBytes: log.tailBytes + 208, lastChangeAt: edit }
      if (compactionDue(log, me, edit, options)) {
        uploaded += snapshotAfter(edit)
        log = { ...log, coveredCount: log.coveredCount + log.tailCount, tailCount: 0, tailBytes: 0, snapshotBytes: snapshotAfter(edit) }
      }
    }
    const quietLater = 1000 + options.quietMs
    if (compactionDue(log, me, quietLater, options)) uploaded += snapshotAfter(1000)
    expect(uploaded).toBeLessThanOrEqual(4 * snapshotAfter(1000))
  })
})
