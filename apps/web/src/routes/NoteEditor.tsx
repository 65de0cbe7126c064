/**
 * Editing one note: title, Markdown body with a rendered preview, attached files, tags, pin, trash, history.
 * Title and body are edited in the note's live replica (editor/LiveNote), so every keystroke
 * is a Loro operation, saved as the person types; changes from other devices and tabs merge in.
 */
import { Link, useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import type { EditorView } from "@codemirror/view"
import { useCallback, useEffect, useMemo, useRef, useState } from "react"
import { useSession } from "../app/Session.js"
import type { NoteVersion } from "../data/DocStore.js"
import type { NoteRepository } from "../data/NoteRepository.js"
import { AttachButton } from "../editor/AttachButton.js"
import { AttachmentProgress } from "../editor/AttachmentProgress.js"
import { Backlinks } from "../editor/Backlinks.js"
import { BodyEditor } from "../editor/BodyEditor.js"
import { fileDrop } from "../editor/FileDrop.js"
import { insertionPoints } from "../editor/InsertionPoints.js"
import { NotePreview } from "../editor/NotePreview.js"
import { TitleField } from "../editor/TitleField.js"
import { useAttachFiles } from "../editor/useAttachFiles.js"
import { useAttachmentFiles } from "../editor/useAttachmentFiles.js"
import { useLiveNote } from "../editor/useLiveNote.js"
import { wikiLinkCompletion } from "../editor/WikiLinks.js"
import { timeAgo } from "../ui/time.js"
import { useLatestSave } from "./useLatestSave.js"
import { messageOf } from "../messageOf.js"

const parseTags = (text: string) =>
  text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean)

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
  const [viewing, setViewing] = useState<NoteVersion | null>(null)
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
            <button type="button" aria-pressed={viewing?.versionId === version.versionId} onClick={() => setViewing(version)}>
              View
            </button>
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
      {viewing && (
        <section className="card" aria-label="Past version">
          <h3>{viewing.note.title || "Untitled"}</h3>
          <p className="muted">
            {viewing.timestamp ? new Date(viewing.timestamp * 1000).toLocaleString() : "Time unknown"} · read-only; the note itself is not
            changed
          </p>
          <pre className="version-body">{viewing.note.body}</pre>
        </section>
      )}
    </section>
  )
}

export default function NoteEditor({ noteId }: { noteId: string }) {
  const { db, sync, repository: loadRepository, attachments: loadAttachments } = useSession()
  const navigate = useNavigate()
  const [repository, setRepository] = useState<NoteRepository | null>(null)
  const state = useLiveNote(db, noteId, sync.onArrived)
  const live = state.status === "open" ? state.live : undefined
  const [tags, setTags] = useState("")
  const [preview, setPreview] = useState(false)
  const [showHistory, setShowHistory] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  // The list row: pin, trash, tags, edit time; `null` once the note has left every list.
  const row = useLiveQuery(async () => (await db.notes.get(noteId)) ?? null, [db, noteId])
  const bodyView = useRef<EditorView | null>(null)
  const { adding, attach, dismiss } = useAttachFiles({ noteId, live, repository, loadAttachments, view: bodyView })
  const files = useAttachmentFiles(db, loadAttachments, noteId, preview)
  // The body's extensions are made once per note: they reach the latest `attach` through this.
  const attachLatest = useRef(attach)
  attachLatest.current = attach

  const report = useCallback((error: unknown) => setProblem(`Could not save: ${messageOf(error)}`), [])
  const reportRead = useCallback((error: unknown) => setProblem(`Could not read the note: ${messageOf(error)}`), [])

  useEffect(() => {
    loadRepository().then(setRepository, reportRead)
  }, [loadRepository, reportRead])

  const save = useCallback(async () => {
    if (!live || !repository) return
    await live.settle()
    const edits = live.unsaved(Date.now())
    if (!edits) return
    try {
      await repository.saveEditorUpdate(noteId, edits.update)
      live.saved(edits.counter)
      setProblem(null)
    } catch (error) {
      report(error)
    }
  }, [live, repository, noteId, report])
  const noop = useCallback(() => {}, [])
  const { schedule, saving } = useLatestSave(save, noop)
  useEffect(() => live?.onLocalEdit(() => schedule(undefined)), [live, schedule])
  useEffect(() => {
    if (!live) return
    // A hidden page may be closed or frozen next: what waits to be saved goes now.
    const hidden = () => document.visibilityState === "hidden" && live.hurry()
    const leaving = () => live.hurry()
    document.addEventListener("visibilitychange", hidden)
    addEventListener("pagehide", leaving)
    return () => {
      document.removeEventListener("visibilitychange", hidden)
      removeEventListener("pagehide", leaving)
      live.hurry()
    }
  }, [live])

  // `[[` completion: the titles of the other notes, read when the list opens; files pasted or dropped are attached.
  const bodyExtras = useMemo(
    () =>
      live
        ? [
            wikiLinkCompletion(live, async () =>
              (await db.notes.where("trashed").equals(0).toArray()).filter((note) => note.id !== noteId)
            ),
            insertionPoints,
            fileDrop((dropped, at) => attachLatest.current(dropped, at))
          ]
        : [],
    [live, db, noteId]
  )

  const shownTags = row?.tags
  useEffect(() => {
    if (!shownTags) return
    setTags((current) => (parseTags(current).join(",") === shownTags.join(",") ? current : shownTags.join(", ")))
  }, [shownTags])

  if (state.status === "failed") return <p role="alert">Could not read the note: {state.message}</p>
  if (state.status === "missing" || row === null) {
    return (
      <section>
        <h1>Note not found</h1>
        <p>It may have been deleted forever, on this device or another.</p>
        <Link to="/">Back to your notes</Link>
      </section>
    )
  }
  if (!live || !repository || row === undefined) {
    return problem ? <p role="alert">{problem}</p> : <p className="muted">Opening the note…</p>
  }
  const readOnly = row.readOnlyReason !== undefined
  // Only what the person changed in the field: tags another device added meanwhile stay.
  const saveTags = () => void repository.editTags(noteId, row.tags, parseTags(tags)).catch(report)

  return (
    <section className="editor">
      <div className="toolbar">
        <Link to="/">← Notes</Link>
        <span style={{ flex: 1 }} />
        <AttachButton disabled={readOnly} onFiles={(chosen) => attach(chosen)} />
        <button type="button" aria-pressed={preview} onClick={() => setPreview(!preview)}>
          Preview
        </button>
        <button
          type="button"
          aria-pressed={row.pinned === 1}
          disabled={readOnly}
          onClick={() => void repository.setPinned(noteId, row.pinned !== 1).catch(report)}
        >
          {row.pinned ? "Unpin" : "Pin"}
        </button>
        <button type="button" aria-pressed={showHistory} onClick={() => setShowHistory(!showHistory)}>
          History
        </button>
        {row.trashed ? (
          <button type="button" onClick={() => void repository.restore(noteId).catch(report)}>
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
          {row.readOnlyReason}
        </div>
      )}
      {row.trashed === 1 && <div className="banner">This note is in the trash.</div>}
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      <label htmlFor="note-title">Title</label>
      <TitleField live={live} readOnly={readOnly} />
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
      <div className="field-label" aria-hidden="true">
        Body
      </div>
      {preview ? (
        <NotePreview live={live} db={db} repository={repository} files={files} onError={report} />
      ) : (
        <BodyEditor live={live} readOnly={readOnly} more={bodyExtras} viewRef={bodyView} />
      )}
      <AttachmentProgress db={db} noteId={noteId} adding={adding} onDismiss={dismiss} />
      <p className="muted" role="status" aria-label="Save state">
        {saving ? "Saving…" : `Saved on this device · edited ${timeAgo(row.updatedAt)}`}
      </p>
      <Backlinks db={db} noteId={noteId} title={row.title} />
      {showHistory && <HistoryPanel noteId={noteId} repository={repository} onRestored={noop} onError={report} />}
    </section>
  )
}
