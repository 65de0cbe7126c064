/**
 * What every screen of a signed-in device needs: the database, the workspace credentials,
 * sync, and the note repository (loaded on first use, with Loro, so lists never wait for it).
 */
import { createContext, useContext, useSyncExternalStore } from "react"
import type { WorkspaceCredentials } from "../data/Meta.js"
import type { NoteRepository } from "../data/NoteRepository.js"
import type { QuireDb } from "../data/QuireDb.js"
import type { SyncClient } from "../sync/SyncClient.js"
import type { SyncStatus } from "../sync/SyncStatus.js"

export interface Session {
  readonly db: QuireDb
  readonly credentials: WorkspaceCredentials
  readonly sync: SyncClient
  readonly repository: () => Promise<NoteRepository>
}

/** Provided by SessionProvider (its own module, so both files keep fast refresh). */
export const SessionContext = createContext<Session | null>(null)

/** The session, for screens that exist only inside a workspace. */
export const useSession = (): Session => {
  const session = useContext(SessionContext)
  if (!session) throw new Error("useSession outside a workspace")
  return session
}

export const useOptionalSession = () => useContext(SessionContext)

export const useSyncStatus = (): SyncStatus => {
  const { sync } = useSession()
  return useSyncExternalStore(sync.subscribe, sync.getStatus)
}

/** Loads the repository once per session: the first call pulls in Loro. */
export const repositoryLoader = (db: QuireDb, credentials: WorkspaceCredentials, onChange: () => void) => {
  let loading: Promise<NoteRepository> | undefined
  return () =>
    (loading ??= (async () => {
      const [{ DocStore }, { NoteRepository }, { workspaceKeyOf }] = await Promise.all([
        import("../data/DocStore.js"),
        import("../data/NoteRepository.js"),
        import("../sync/Workspace.js")
      ])
      const store = new DocStore(db, await workspaceKeyOf(credentials))
      return new NoteRepository(store, onChange)
    })())
}
