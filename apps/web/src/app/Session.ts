/**
 * What every screen of a signed-in device needs: the database, the workspace credentials,
 * sync, and the note repository and attachments (loaded on first use, with Loro and Effect, so
 * lists never wait for them).
 */
import { createContext, useContext, useSyncExternalStore } from "react"
import type { Attachments } from "../attachments/Attachments.js"
import type { HandedChunk } from "../attachments/StoredChunk.js"
import type { DocStore } from "../data/DocStore.js"
import type { WorkspaceCredentials } from "../data/Meta.js"
import type { NoteRepository } from "../data/NoteRepository.js"
import type { HandedEntry } from "../data/OutboxFold.js"
import type { QuireDb } from "../data/QuireDb.js"
import type { SyncClient } from "../sync/SyncClient.js"
import type { SyncStatus } from "../sync/SyncStatus.js"

export interface Session {
  readonly db: QuireDb
  readonly credentials: WorkspaceCredentials
  readonly sync: SyncClient
  readonly repository: () => Promise<NoteRepository>
  readonly attachments: () => Promise<Attachments>
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

/**
 * Loads the repository and the attachments once per session: the first call pulls in Loro. Both
 * write through one DocStore, which serialises the writers of a tab; `onChange` tells the sync
 * leader to push (or upload) at once, and `onHandOff` gives it an edit made after a pause.
 */
export const sessionLoaders = (
  db: QuireDb,
  credentials: WorkspaceCredentials,
  onChange: () => void,
  onHandOff?: (entry: HandedEntry) => void,
  onChunksStored?: (chunks: ReadonlyArray<HandedChunk>) => void
) => {
  let store: Promise<DocStore> | undefined
  const loadStore = () =>
    (store ??= (async () => {
      const [{ DocStore }, { workspaceKeyOf }] = await Promise.all([import("../data/DocStore.js"), import("../sync/Workspace.js")])
      return new DocStore(db, await workspaceKeyOf(credentials), Date.now, onHandOff)
    })())
  let repository: Promise<NoteRepository> | undefined
  let attachments: Promise<Attachments> | undefined
  return {
    repository: () =>
      (repository ??= (async () => {
        const [{ NoteRepository }, docs] = await Promise.all([import("../data/NoteRepository.js"), loadStore()])
        return new NoteRepository(docs, onChange)
      })()),
    attachments: () =>
      (attachments ??= (async () => {
        const [{ Attachments }, { workspaceKeyOf }, docs] = await Promise.all([
          import("../attachments/Attachments.js"),
          import("../sync/Workspace.js"),
          loadStore()
        ])
        return new Attachments(docs, await workspaceKeyOf(credentials), onChange, onChunksStored)
      })())
  }
}
