/**
 * Stamps every write of a note's search text with the time it was written (`at`), in every
 * context that writes it (tabs, the sync worker), without those writers knowing. The search
 * index reads the rows stamped after its last save when it starts, instead of every note.
 */
import type { DBCore, Middleware } from "dexie"

export const stampedTable = "noteText"

export const textStamp: Middleware<DBCore> = {
  stack: "dbcore",
  name: "NoteTextStamp",
  create: (down) => ({
    ...down,
    table: (name) => {
      const table = down.table(name)
      if (name !== stampedTable) return table
      return {
        ...table,
        mutate: (request) => {
          if (request.type !== "put" && request.type !== "add") return table.mutate(request)
          const at = Date.now()
          return table.mutate({ ...request, values: request.values.map((value: object) => ({ ...value, at })) })
        }
      }
    }
  })
}
