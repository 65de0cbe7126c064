import type { ReactNode } from "react"
import { SessionContext, type Session } from "./Session.js"

export const SessionProvider = ({ session, children }: { session: Session | null; children: ReactNode }) => (
  <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
)
