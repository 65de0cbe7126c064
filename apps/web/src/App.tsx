/** The app: the device's database, its workspace session (when it has one), and the routes. */
import { RouterProvider } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useEffect, useState } from "react"
import { DatabaseProvider } from "./app/Database.js"
import { repositoryLoader, SessionProvider, type Session } from "./app/Session.js"
import { readMeta, type WorkspaceCredentials } from "./data/Meta.js"
import { QuireDb } from "./data/QuireDb.js"
import { router } from "./routes/router.js"
import { SyncClient } from "./sync/SyncClient.js"

const db = new QuireDb()

const openSession = (credentials: WorkspaceCredentials): Session => {
  const sync = new SyncClient(credentials.workspaceId)
  return { db, credentials, sync, repository: repositoryLoader(db, credentials, () => sync.localChange()) }
}

export function App() {
  // undefined while reading; false when this device holds no workspace.
  const credentials = useLiveQuery(async () => (await readMeta(db, "workspace")) ?? false, [])
  const [session, setSession] = useState<Session | null>(null)
  const key = credentials ? `${credentials.workspaceId}/${credentials.token}` : ""

  // A session (and its sync worker) per workspace and token, not per meta write.
  useEffect(() => {
    if (!credentials) {
      setSession(null)
      return
    }
    const opened = openSession(credentials)
    setSession(opened)
    return () => opened.sync.close()
  }, [key]) // eslint-disable-line react-hooks/exhaustive-deps

  if (credentials === undefined || (credentials && !session)) return null
  return (
    <DatabaseProvider db={db}>
      <SessionProvider session={session}>
        <RouterProvider router={router} />
      </SessionProvider>
    </DatabaseProvider>
  )
}
