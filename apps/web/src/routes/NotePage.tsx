/** `/notes/$noteId`: the editor loads with Loro on demand, so the list never waits for it. */
import { useParams } from "@tanstack/react-router"
import { lazy, Suspense } from "react"
import { wantNoteChunks } from "../attachments/ChunkWants.js"
import { useSession } from "../app/Session.js"
import type { QuireDb } from "../data/QuireDb.js"
import type { SyncClient } from "../sync/SyncClient.js"

const NoteEditor = lazy(() => import("./NoteEditor.js"))

/** When each note's files were last asked for: a page renders more than once as it opens. */
const askedAt = new Map<string, number>()

/**
 * Asks the sync worker for the note's missing chunks while the editor's code loads. Called as
 * the page renders, not from an effect: React holds this page's commit, and so its effects,
 * until the lazy editor has loaded (about 300 ms); asking twice does no harm.
 */
const askForFiles = (db: QuireDb, sync: SyncClient, noteId: string) => {
  const now = Date.now()
  if (now - (askedAt.get(noteId) ?? 0) < 2_000) return
  askedAt.set(noteId, now)
  wantNoteChunks(db, noteId, now).then(
    (wanted) => wanted > 0 && sync.localChange(),
    () => {}
  )
}

export function NotePage() {
  const { noteId } = useParams({ from: "/notes/$noteId" })
  const { db, sync } = useSession()
  askForFiles(db, sync, noteId)
  return (
    <Suspense fallback={<p className="muted">Opening the note…</p>}>
      <NoteEditor key={noteId} noteId={noteId} />
    </Suspense>
  )
}
