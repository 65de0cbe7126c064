/**
 * The note list: every note, pinned first, then most recently updated, virtualized; a query
 * turns it into ranked search results (title matches first) with a highlighted snippet each.
 */
import { useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react"
import { useSession } from "../app/Session.js"
import { sortNotes } from "../data/NoteIndex.js"
import type { NoteRow } from "../data/QuireDb.js"
import {
  earlyFirstScreen,
  firstScreenOf,
  forgetEarlyFirstScreen,
  readFirstScreenEarly,
  subscribeEarlyFirstScreen
} from "../list/FirstScreen.js"
import { listedCountOf, listedNotesOf } from "../list/ListedNotes.js"
import { VirtualNoteList } from "../list/VirtualNoteList.js"
import { startSearchEarly } from "../search/SearchClient.js"
import { useNoteSearch } from "../search/useNoteSearch.js"
import { messageOf } from "../messageOf.js"

startSearchEarly()
readFirstScreenEarly()

export function NotesPage() {
  const { db, repository } = useSession()
  const navigate = useNavigate()
  const [query, setQuery] = useState("")
  const [creating, setCreating] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  // The first screen paints from a few dozen rows (read early if the tab started on this
  // workspace, until the live query answers); every row follows, then the count is exact.
  const early = useSyncExternalStore(subscribeEarlyFirstScreen, earlyFirstScreen)
  const head = early?.databaseName === db.name ? early : undefined
  const liveFirstScreen = useLiveQuery(() => firstScreenOf(db), [db])
  const liveTotal = useLiveQuery(() => listedCountOf(db), [db])
  useEffect(() => {
    if (liveFirstScreen !== undefined && liveTotal !== undefined) forgetEarlyFirstScreen()
  }, [liveFirstScreen, liveTotal])
  const firstScreen = liveFirstScreen ?? head?.rows
  const total = liveTotal ?? head?.total
  const rows = useLiveQuery(async () => (firstScreen ? await listedNotesOf(db) : undefined), [db, firstScreen !== undefined])
  const search = useNoteSearch(db.name, query)
  const searching = query.trim() !== ""

  const byId = useMemo(() => rows && new Map<string, NoteRow>(rows.map((row) => [row.id, row])), [rows])
  const sorted = useMemo(() => (rows ? sortNotes(rows) : firstScreen), [rows, firstScreen])
  const listed = useMemo((): ReadonlyArray<NoteRow> | undefined => {
    if (!searching) return sorted
    if (!search.answered || !byId) return undefined
    // A plain loop: thousands of hits per keystroke, and flatMap's array per hit showed in profiles.
    const found: Array<NoteRow> = []
    for (const id of search.answered.ids) {
      const row = byId.get(id)
      if (row) found.push(row)
    }
    return found
  }, [sorted, byId, searching, search.answered])
  const count = searching ? (listed?.length ?? 0) : (rows?.length ?? total ?? listed?.length ?? 0)

  const { want } = search
  const onVisible = useCallback((notes: ReadonlyArray<NoteRow>) => want(notes.map((row) => row.id)), [want])

  const createNote = async () => {
    setCreating(true)
    setProblem(null)
    try {
      const id = await (await repository()).create({})
      await navigate({ to: "/notes/$noteId", params: { noteId: id } })
    } catch (error) {
      setProblem(`Could not create a note: ${messageOf(error)}`)
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
      {search.problem && (
        <div className="banner error" role="alert">
          Search failed: {search.problem}
        </div>
      )}
      {listed === undefined ? (
        <p className="muted">{searching && !search.state.ready ? "Preparing search…" : "Loading…"}</p>
      ) : (
        <>
          <p className="muted" aria-live="polite" data-testid="list-count">
            {count} {count === 1 ? "note" : "notes"}
            {searching && search.answered ? ` matching “${search.answered.query}”` : ""}
          </p>
          <VirtualNoteList
            notes={listed}
            empty={searching ? "No note matches." : "No notes yet. Create one."}
            {...(searching ? { onVisible, snippets: search.snippets } : {})}
          />
        </>
      )}
    </section>
  )
}
