/** `bulkGetStored` answers what `bulkGet` answers, whichever way it reads: keys first, or a get per key. */
import Dexie, { type Table } from "dexie"
import fc from "fast-check"
import { afterAll, describe, expect, it } from "vitest"
import { bulkGetStored } from "./StoredRows.js"

interface Row {
  readonly id: string
  readonly value: number
}

class RowsDb extends Dexie {
  rows!: Table<Row, string>
  constructor(name: string) {
    super(name)
    this.version(1).stores({ rows: "id" })
  }
}

const opened: Array<RowsDb> = []
afterAll(async () => {
  for (const db of opened) await db.delete()
})

const keyOf = (n: number) => `k${n.toString().padStart(4, "0")}`

describe("bulkGetStored", () => {
  it("answers like bulkGet for any rows held and any keys asked, few or many", async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(999), { maxLength: 400 }), fc.array(fc.nat(999), { maxLength: 300 }), async (held, asked) => {
        const db = new RowsDb(`stored-rows-${run++}`)
        opened.push(db)
        await db.rows.bulkPut(held.map((n) => ({ id: keyOf(n), value: n })))
        const keys = asked.map(keyOf)
        expect(await db.transaction("r", db.rows, () => bulkGetStored(db.rows, keys))).toEqual(await db.rows.bulkGet(keys))
      }),
      { numRuns: 60 }
    )
  })
})
