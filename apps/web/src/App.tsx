/** The app: the device's workspaces, the open one's session (when there is one), and the routes. */
import { RouterProvider } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useEffect, useMemo, useState } from "react"
import { RegistryProvider } from "./app/Registry.js"
import { repositoryLoader, SessionProvider, type Session } from "./app/Session.js"
import { DeviceRegistry } from "./data/DeviceRegistry.js"
import { readMeta, type WorkspaceCredentials } from "./data/Meta.js"
import type { QuireDb } from "./data/QuireDb.js"
import { router } from "./routes/router.js"
import { SyncClient } from "./sync/SyncClient.js"

const registry = new DeviceRegistry()

const openSession = (db: QuireDb, credentials: WorkspaceCredentials): Session => {
  const sync = new SyncClient(credentials.workspaceId)
  return { db, credentials, sync, repository: repositoryLoader(db, credentials, () => sync.localChange()) }
}

export function App() {
  // undefined while reading; false when this device has no workspace open.
  const workspaceId = useLiveQuery(async () => (await registry.current()) ?? false, [])
  const db = useMemo(() => (workspaceId ? registry.open(workspaceId) : null), [workspaceId])
  const credentials = useLiveQuery(async () => (db ? ((await readMeta(db, "workspace")) ?? false) : false), [db])
  const [session, setSession] = useState<Session | null>(null)
  const key = db && credentials ? `${credentials.workspaceId}/${credentials.token}` : ""

  // A session (and its sync worker) per workspace and token, not per meta write.
  useEffect(() => {
    if (!db || !credentials) {
      setSession(null)
      return
    }
    const opened = openSession(db, credentials)
    setSession(opened)
    return () => opened.sync.close()
  }, [key]) // eslint-disable-line react-hooks/exhaustive-deps

  if (workspaceId === undefined || credentials === undefined || (credentials && !session)) return null
  return (
    <RegistryProvider registry={registry}>
      <SessionProvider session={session}>
        <RouterProvider router={router} />
      </SessionProvider>
    </RegistryProvider>
  )
}
