/** The app: the device's workspaces, the open one's session (when there is one), and the routes. */
import { RouterProvider } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useEffect, useState } from "react"
import { RegistryProvider } from "./app/RegistryProvider.js"
import { sessionLoaders, type Session } from "./app/Session.js"
import { SessionProvider } from "./app/SessionProvider.js"
import { DeviceRegistry } from "./data/DeviceRegistry.js"
import { readMeta, type WorkspaceCredentials } from "./data/Meta.js"
import type { QuireDb } from "./data/QuireDb.js"
import { router } from "./routes/router.js"
import { SyncClient } from "./sync/SyncClient.js"

const registry = new DeviceRegistry()

/** One database object per workspace for the tab's life: sessions and live queries share it. */
const opened = new Map<string, QuireDb>()
const databaseOf = (workspaceId: string) => {
  let db = opened.get(workspaceId)
  if (!db) opened.set(workspaceId, (db = registry.open(workspaceId)))
  return db
}

const openSession = (db: QuireDb, credentials: WorkspaceCredentials): Session => {
  const sync = new SyncClient(credentials.workspaceId)
  return {
    db,
    credentials,
    sync,
    ...sessionLoaders(
      db,
      credentials,
      () => sync.localChange(),
      (entry) => sync.handOff(entry),
      (chunks) => sync.chunksStored(chunks)
    )
  }
}

export function App() {
  // One query for both, so a render never pairs a workspace with another's (or no) credentials.
  // undefined while reading; false when this device has no workspace open.
  const open = useLiveQuery(async () => {
    const workspaceId = await registry.current()
    if (workspaceId === undefined) return false
    const db = databaseOf(workspaceId)
    const credentials = await readMeta(db, "workspace")
    return credentials ? { db, credentials } : false
  }, [])
  const [session, setSession] = useState<Session | null>(null)
  const key = open ? `${open.credentials.workspaceId}/${open.credentials.token}` : ""

  // A session (and its sync worker) per workspace and token, not per meta write.
  useEffect(() => {
    if (!open) {
      setSession(null)
      return
    }
    const started = openSession(open.db, open.credentials)
    setSession(started)
    return () => started.sync.close()
  }, [key]) // eslint-disable-line react-hooks/exhaustive-deps -- not `open`: it is a new object at every meta write

  if (open === undefined || (open && session?.credentials.workspaceId !== open.credentials.workspaceId)) return null
  return (
    <RegistryProvider registry={registry}>
      <SessionProvider session={session}>
        <RouterProvider router={router} />
      </SessionProvider>
    </RegistryProvider>
  )
}
