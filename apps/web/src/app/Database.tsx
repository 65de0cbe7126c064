/** The device's one database, available to every screen, signed in or not. */
import { createContext, useContext, type ReactNode } from "react"
import type { QuireDb } from "../data/QuireDb.js"

const DatabaseContext = createContext<QuireDb | null>(null)

export const DatabaseProvider = ({ db, children }: { db: QuireDb; children: ReactNode }) => (
  <DatabaseContext.Provider value={db}>{children}</DatabaseContext.Provider>
)

export const useDatabase = (): QuireDb => {
  const db = useContext(DatabaseContext)
  if (!db) throw new Error("useDatabase outside DatabaseProvider")
  return db
}
