/** The note list: pinned first, then most recently updated; instant search over titles and bodies. */
import { Link, useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useDeferredValue, useMemo, useState } from "react"
import { useSession } from "../app/Session.js"
import { matchesQuery, sortNotes } from "../data/NoteIndex.js"
import type { NoteRow } from "../data/QuireDb.js"
import { timeAgo } from "../ui/time.js"

export function NoteList({ rows, empty }: { rows: ReadonlyArray<NoteRow>; empty: string }) {
  if (rows.length === 0) return <p className="muted">{empty}</p>
  return (
    <ul className="list" aria-label="Notes">
      {rows.map((row) => (
        <li key={row.id}>
          <Link to="/notes/$noteId" params={{ noteId: row.id }}>
            <div className="title">
              {row.pinned ? <span aria-label="Pinned">📌 </span> : null}
              {row.title || "Untitled"}
            </div>
            <div className="preview">{row.preview || "No text"}</div>
            <div className="tags">
              {row.tags.map((tag) => (
                <span className="tag" key={tag}>
                  {tag}
                </span>
              ))}
              <span className="muted" style={{ fontSize: "0.8rem" }}>
                {timeAgo(row.updatedAt)}
              </span>
            </div>
          </Link>
        </li>
      ))}
    </ul>
  )
}

export function NotesPage() {
  const { db, repository } = useSession()
  const navigate = useNavigate()
  const [query, setQuery] = useState("")
  const deferredQuery = useDeferredValue(query)
  const [creating, setCreating] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const rows = useLiveQuery(() => db.notes.where("trashed").equals(0).toArray(), [db])
  // The full text is read only while searching, so the plain list stays light.
  const texts = useLiveQuery(() => (deferredQuery.trim() ? db.noteText.toArray() : []), [db, deferredQuery.trim() !== ""])
  const visible = useMemo(() => {
    if (!rows) return undefined
    if (!deferredQuery.trim()) return sortNotes(rows)
    const textOf = new Map((texts ?? []).map((t) => [t.id, t.text]))
    return sortNotes(rows.filter((row) => matchesQuery(textOf.get(row.id) ?? `${row.title}\n${row.preview}`.toLowerCase(), deferredQuery)))
  }, [rows, texts, deferredQuery])

  const createNote = async () => {
    setCreating(true)
    setProblem(null)
    try {
      const id = await (await repository()).create({})
      await navigate({ to: "/notes/$noteId", params: { noteId: id } })
    } catch (error) {
      setProblem(`Could not create a note: ${error instanceof Error ? error.message : String(error)}`)
    } finally {
      setCreating(false)
    }
  }

  return (
    <section>
      <h1 className="visually-hidden" style={{ position: "absolute", left: "-9999px" }}>
        Notes
      </h1>
      <div className="toolbar">
        <input
          type="search"
          aria-label="Search notes"
          placeholder="Search notes"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
        />
        <button type="button" className="primary" onClick={() => void createNote()} disabled={creating}>
          New note
        </button>
      </div>
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      {visible === undefined ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {visible.length} {visible.length === 1 ? "note" : "notes"}
            {deferredQuery.trim() ? ` matching “${deferredQuery.trim()}”` : ""}
          </p>
          <NoteList rows={visible.slice(0, 500)} empty={deferredQuery ? "No note matches." : "No notes yet. Create one."} />
          {visible.length > 500 && <p className="muted">Showing the first 500; search to narrow down.</p>}
        </>
      )}
    </section>
  )
}
