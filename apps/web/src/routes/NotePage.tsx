/** `/notes/$noteId`: the editor loads with Loro on demand, so the list never waits for it. */
import { useParams } from "@tanstack/react-router"
import { lazy, Suspense, useEffect } from "react"
import { wantNoteChunks } from "../attachments/ChunkWants.js"
import { useSession } from "../app/Session.js"

const NoteEditor = lazy(() => import("./NoteEditor.js"))

export function NotePage() {
  const { noteId } = useParams({ from: "/notes/$noteId" })
  const { db, sync } = useSession()
  // The note's files are asked for while the editor's code loads, not after.
  useEffect(() => {
    wantNoteChunks(db, noteId).then(
      (wanted) => wanted > 0 && sync.localChange(),
      () => {}
    )
  }, [db, sync, noteId])
  return (
    <Suspense fallback={<p className="muted">Opening the note…</p>}>
      <NoteEditor key={noteId} noteId={noteId} />
    </Suspense>
  )
}
