/**
 * Editing one note: title, Markdown body with a rendered preview, tags, pin, trash, history.
 * Every change is saved as the person types; changes from other devices and tabs flow in.
 */
import type { Note } from "@quire/schema"
import { Link, useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useCallback, useEffect, useRef, useState, type ChangeEvent } from "react"
import { useSession } from "../app/Session.js"
import type { NoteVersion } from "../data/DocStore.js"
import type { NoteRepository } from "../data/NoteRepository.js"
import { Markdown } from "../ui/Markdown.js"
import { timeAgo } from "../ui/time.js"
import { useLatestSave } from "./useLatestSave.js"

const parseTags = (text: string) =>
  text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean)

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

function HistoryPanel({
  noteId,
  repository,
  onRestored,
  onError
}: {
  noteId: string
  repository: NoteRepository
  onRestored: () => void
  onError: (error: unknown) => void
}) {
  const [versions, setVersions] = useState<Array<NoteVersion> | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    repository.history(noteId).then(setVersions, (error: unknown) => setFailure(messageOf(error)))
  }, [noteId, repository])
  if (failure) return <p role="alert">Could not read the history: {failure}</p>
  if (!versions) return <p className="muted">Reading the history…</p>
  return (
    <section className="card" aria-label="Version history">
      <h2>History</h2>
      <ol className="list">
        {versions.map((version, index) => (
          <li key={version.versionId} className="row">
            <span>
              <strong>{version.note.title || "Untitled"}</strong>{" "}
              <span className="muted">
                {version.timestamp ? timeAgo(version.timestamp * 1000) : "time unknown"} · {version.note.body.slice(0, 60) || "empty"}
              </span>
            </span>
            {index > 0 && (
              <button
                type="button"
                aria-label={`Restore the version from ${version.timestamp ? new Date(version.timestamp * 1000).toLocaleString() : "earlier"}`}
                onClick={() => void repository.restoreVersion(noteId, version.note).then(onRestored, onError)}
              >
                Restore
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}

export default function NoteEditor({ noteId }: { noteId: string }) {
  const { db, repository: loadRepository } = useSession()
  const navigate = useNavigate()
  const [repository, setRepository] = useState<NoteRepository | null>(null)
  const [note, setNote] = useState<Note | null | undefined>(undefined)
  const [title, setTitle] = useState("")
  const [body, setBody] = useState("")
  const [tags, setTags] = useState("")
  const [shownTags, setShownTags] = useState<ReadonlyArray<string>>([])
  const [preview, setPreview] = useState(false)
  const [showHistory, setShowHistory] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const row = useLiveQuery(() => db.notes.get(noteId), [db, noteId])
  const storedVersion = useLiveQuery(async () => (await db.docs.get(noteId))?.version.join(",") ?? "none", [db, noteId])
  const bodyRef = useRef<HTMLTextAreaElement>(null)

  const report = useCallback((error: unknown) => setProblem(`Could not save: ${messageOf(error)}`), [])
  const reportRead = useCallback((error: unknown) => setProblem(`Could not read the note: ${messageOf(error)}`), [])

  useEffect(() => {
    loadRepository().then(setRepository, reportRead)
  }, [loadRepository, reportRead])

  // Never rejects: it runs after saves and on changes from elsewhere, where nobody awaits it.
  const reload = useCallback(() => {
    if (!repository) return
    repository.read(noteId).then((read) => setNote(read ?? null), reportRead)
  }, [repository, noteId, reportRead])
  const titleSave = useLatestSave(
    useCallback((value: string) => repository!.setTitle(noteId, value).catch(report), [repository, noteId, report]),
    reload
  )
  const bodySave = useLatestSave(
    useCallback((value: string) => repository!.setBody(noteId, value).catch(report), [repository, noteId, report]),
    reload
  )

  const { isBusy: titleBusy } = titleSave
  const { isBusy: bodyBusy } = bodySave

  // Whatever another tab or device saved appears here, except in a field with an edit still being saved.
  useEffect(() => {
    reload()
  }, [reload, storedVersion])
  useEffect(() => {
    if (!note) return
    if (!titleBusy()) setTitle(note.title)
    if (!bodyBusy()) {
      const field = bodyRef.current
      const [start, end] = field ? [field.selectionStart, field.selectionEnd] : [0, 0]
      setBody(note.body)
      if (field && document.activeElement === field) requestAnimationFrame(() => field.setSelectionRange(start, end))
    }
    setTags((current) => (parseTags(current).join(",") === note.tags.join(",") ? current : note.tags.join(", ")))
    setShownTags(note.tags)
  }, [note, titleBusy, bodyBusy])

  if (note === undefined || !repository) {
    return problem ? <p role="alert">{problem}</p> : <p className="muted">Opening the note…</p>
  }
  if (note === null || note.deleted) {
    return (
      <section>
        <h1>Note not found</h1>
        <p>It may have been deleted forever, on this device or another.</p>
        <Link to="/">Back to your notes</Link>
      </section>
    )
  }
  const readOnly = row?.readOnlyReason !== undefined
  // Only what the person changed in the field: tags another device added meanwhile stay.
  const saveTags = () => void repository.editTags(noteId, shownTags, parseTags(tags)).then(reload, report)

  return (
    <section className="editor">
      <div className="toolbar">
        <Link to="/">← Notes</Link>
        <span style={{ flex: 1 }} />
        <button type="button" aria-pressed={preview} onClick={() => setPreview(!preview)}>
          Preview
        </button>
        <button
          type="button"
          aria-pressed={note.pinned}
          disabled={readOnly}
          onClick={() => void repository.setPinned(noteId, !note.pinned).then(reload, report)}
        >
          {note.pinned ? "Unpin" : "Pin"}
        </button>
        <button type="button" aria-pressed={showHistory} onClick={() => setShowHistory(!showHistory)}>
          History
        </button>
        {note.trashed ? (
          <button type="button" onClick={() => void repository.restore(noteId).then(reload, report)}>
            Restore from trash
          </button>
        ) : (
          <button
            type="button"
            className="danger"
            disabled={readOnly}
            onClick={() => void repository.trash(noteId).then(() => navigate({ to: "/" }), report)}
          >
            Move to trash
          </button>
        )}
      </div>
      {readOnly && (
        <div className="banner" role="alert">
          {row?.readOnlyReason}
        </div>
      )}
      {note.trashed && <div className="banner">This note is in the trash.</div>}
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      <label htmlFor="note-title">Title</label>
      <input
        id="note-title"
        className="title-input"
        value={title}
        readOnly={readOnly}
        placeholder="Untitled"
        onChange={(event: ChangeEvent<HTMLInputElement>) => {
          setTitle(event.target.value)
          titleSave.schedule(event.target.value)
        }}
      />
      <label htmlFor="note-tags">Tags</label>
      <input
        id="note-tags"
        value={tags}
        readOnly={readOnly}
        placeholder="comma, separated"
        onChange={(event) => setTags(event.target.value)}
        onBlur={saveTags}
        onKeyDown={(event) => event.key === "Enter" && saveTags()}
      />
      <label htmlFor="note-body">Body</label>
      {preview ? (
        <Markdown source={body} />
      ) : (
        <textarea
          id="note-body"
          ref={bodyRef}
          value={body}
          readOnly={readOnly}
          placeholder="Write in Markdown…"
          onChange={(event) => {
            setBody(event.target.value)
            bodySave.schedule(event.target.value)
          }}
        />
      )}
      <p className="muted" role="status" aria-label="Save state">
        {titleSave.saving || bodySave.saving ? "Saving…" : `Saved on this device · edited ${timeAgo(note.updatedAt)}`}
      </p>
      {showHistory && <HistoryPanel noteId={noteId} repository={repository} onRestored={reload} onError={report} />}
    </section>
  )
}
