/** The frame around every screen: navigation, sync status, banners, and where a device without a workspace goes. */
import { Link, Navigate, Outlet, useRouterState } from "@tanstack/react-router"
import { useImportProgress } from "../app/ImportProgress.js"
import { useLiveQuery } from "dexie-react-hooks"
import { useOptionalSession, useSession, useSyncStatus } from "../app/Session.js"
import { readMeta } from "../data/Meta.js"
import { StorageGuard } from "../app/StorageGuard.js"
import { SyncProgress, SyncStatusBar } from "../ui/SyncStatusBar.js"
import { UpdatePrompt } from "../ui/UpdatePrompt.js"
import { lazy, Suspense } from "react"

// Keyboard shortcuts load just after the first paint: the note list's first download stays as it was.
const Shortcuts = lazy(() => import("../shortcuts/Shortcuts.js"))

function RevokedBanner() {
  const { lastError } = useSyncStatus()
  if (lastError?.kind !== "auth") return null
  return (
    <div className="banner error" role="alert">
      <strong>This device is no longer part of the workspace.</strong> Your notes stay on this device: you can read and export them from
      Backup, or pair this device again.
    </div>
  )
}

function KitOutdatedBanner() {
  const { db } = useSession()
  const outdated = useLiveQuery(() => readMeta(db, "kitOutdated"), [db])
  if (!outdated) return null
  return (
    <div className="banner" role="alert">
      <strong>This device now holds the workspace, and the recovery kit you used no longer works.</strong> Save the new one:{" "}
      <Link to="/settings/devices">Devices → Show recovery kit</Link>.
    </div>
  )
}

function TooLargeBanner() {
  const { tooLarge } = useSyncStatus()
  return tooLarge.length === 0 ? null : <TooLargeList tooLarge={tooLarge} />
}

function TooLargeList({ tooLarge }: { readonly tooLarge: ReadonlyArray<{ readonly docId: string; readonly bytes: number }> }) {
  const { db } = useSession()
  // Each status comes as a new list: the titles are read again only when the notes named change.
  const docIds = tooLarge.map((held) => held.docId).join(" ")
  const titles = useLiveQuery(async () => (await db.notes.bulkGet(docIds.split(" "))).map((row) => row?.title || "Untitled"), [db, docIds])
  return (
    <div className="banner error" role="alert">
      {tooLarge.map((held, i) => (
        <p key={`${held.docId}-${i}`}>
          <strong>
            “{titles?.[i] ?? "A note"}” is too large to sync: {(held.bytes / 1024 / 1024).toFixed(1)} MB.
          </strong>{" "}
          It stays on this device; the rest keeps syncing. Attachments take large files.
        </p>
      ))}
    </div>
  )
}

function ImportBar() {
  const progress = useImportProgress()
  if (!progress) return null
  return (
    <div>
      <label htmlFor="import-progress">
        Importing notes: {progress.done} of {progress.total}
      </label>
      <progress id="import-progress" max={progress.total} value={progress.done} />
    </div>
  )
}

export function Root() {
  const session = useOptionalSession()
  const pathname = useRouterState({ select: (state) => state.location.pathname })
  if (session && pathname === "/welcome") return <Navigate to="/" />
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          Quire
        </Link>
        {session && (
          <>
            <nav aria-label="Main">
              <Link to="/">Notes</Link>
              <Link to="/trash">Trash</Link>
              <Link to="/settings/devices">Devices</Link>
              <Link to="/settings/backup">Backup</Link>
              <Link to="/settings/appearance">Appearance</Link>
            </nav>
            <SyncStatusBar />
          </>
        )}
      </header>
      {session && (
        <>
          <Suspense fallback={null}>
            <Shortcuts />
          </Suspense>
          <StorageGuard workspaceId={session.credentials.workspaceId} />
          <RevokedBanner />
          <KitOutdatedBanner />
          <TooLargeBanner />
          <SyncProgress />
        </>
      )}
      <ImportBar />
      <main>
        <Outlet />
      </main>
      <UpdatePrompt />
    </div>
  )
}

export function NotFoundPage() {
  return (
    <section>
      <h1>Not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/">Back to your notes</Link>
    </section>
  )
}
