/** `/notes/$noteId`: the editor loads with Loro on demand, so the list never waits for it. */
import { useParams } from "@tanstack/react-router"
import { lazy, Suspense } from "react"

const NoteEditor = lazy(() => import("./NoteEditor.js"))

export function NotePage() {
  const { noteId } = useParams({ from: "/notes/$noteId" })
  return (
    <Suspense fallback={<p className="muted">Opening the note…</p>}>
      <NoteEditor key={noteId} noteId={noteId} />
    </Suspense>
  )
}
