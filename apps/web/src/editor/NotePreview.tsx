/**
 * The body rendered as Markdown, kept current as the document changes: `[[links]]` open their
 * note (or offer to create a missing one, bound to the link), task boxes tick in the text, and
 * attached files show as they are on this device (an image, a file to save, or on its way).
 */
import { linkTargets, setLinkTarget } from "@quire/schema"
import { useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useCallback, useMemo, useSyncExternalStore, type MouseEvent } from "react"
import type { NoteRepository } from "../data/NoteRepository.js"
import type { NoteRow, QuireDb } from "../data/QuireDb.js"
import { Markdown } from "../ui/Markdown.js"
import type { AttachmentShown } from "../ui/MarkdownAttachments.js"
import type { LiveNote } from "./LiveNote.js"
import { toggleTask } from "./TaskToggle.js"
import type { FileView, useAttachmentFiles } from "./useAttachmentFiles.js"

type NoteFiles = ReturnType<typeof useAttachmentFiles>

const shownAs = (fileId: string, view: FileView): AttachmentShown => {
  switch (view.kind) {
    case "unknown":
      return { kind: "unknown" }
    case "opening":
      return { kind: "waiting", text: `Opening ${view.manifest?.name ?? "the file"}…` }
    case "ready":
      return view.url
        ? { kind: "image", url: view.url, name: view.manifest.name }
        : { kind: "file", fileId, name: view.manifest.name, size: view.manifest.size }
    case "fetching":
      if (view.error) return { kind: "failed", fileId, text: `${view.manifest.name} could not be fetched yet. ${view.error}` }
      return { kind: "waiting", text: view.damaged ?? `Fetching ${view.manifest.name}…` }
    case "failed":
      return { kind: "failed", fileId, text: view.message }
  }
}

const byTitleOf = (rows: ReadonlyArray<NoteRow>) => {
  const byTitle = new Map<string, NoteRow>()
  // The most recently edited note wins a shared title.
  for (const row of [...rows].sort((a, b) => a.updatedAt - b.updatedAt)) byTitle.set(row.title.trim().toLowerCase(), row)
  return byTitle
}

export function NotePreview({
  live,
  db,
  repository,
  files,
  onError
}: {
  live: LiveNote
  db: QuireDb
  repository: NoteRepository
  files: NoteFiles
  onError: (error: unknown) => void
}) {
  const navigate = useNavigate()
  const source = useSyncExternalStore(
    useCallback((changed: () => void) => live.onAnyChange(changed), [live]),
    () => live.body.toString()
  )
  const rows = useLiveQuery(() => db.notes.where("trashed").equals(0).toArray(), [db])
  const { byId, byTitle } = useMemo(
    () => ({ byId: new Map((rows ?? []).map((row) => [row.id, row])), byTitle: byTitleOf(rows ?? []) }),
    [rows]
  )
  // Read on every render: each edit (a link's binding included) renders again.
  const targets = linkTargets(live.doc)
  const resolveLink = (text: string) => {
    const bound = targets.get(text)
    const row = (bound === undefined ? undefined : byId.get(bound)) ?? byTitle.get(text.toLowerCase())
    return row && { id: row.id, title: row.title }
  }

  const createLinked = async (text: string) => {
    const id = await repository.create({ title: text })
    setLinkTarget(live.doc, text, id)
    live.stamp(Date.now())
    live.doc.commit()
    await navigate({ to: "/notes/$noteId", params: { noteId: id } })
  }

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement
    const task = target.closest<HTMLInputElement>("input.task")
    if (task) {
      toggleTask(live, Number(task.dataset.line), Date.now())
      return
    }
    const file = target.closest<HTMLButtonElement>("button[data-attachment-save], button[data-attachment-retry]")
    if (file) {
      const { attachmentSave, attachmentRetry } = file.dataset
      if (attachmentSave) files.save(attachmentSave).catch(onError)
      else if (attachmentRetry) files.retry(attachmentRetry).catch(onError)
      return
    }
    const link = target.closest<HTMLAnchorElement>("a.note-link")
    if (!link) return
    event.preventDefault()
    const { noteId, missing } = link.dataset
    if (noteId) void navigate({ to: "/notes/$noteId", params: { noteId } })
    else if (missing && confirm(`No note is called “${missing}”. Create it?`)) createLinked(missing).catch(onError)
  }

  const attachment = (fileId: string) => shownAs(fileId, files.viewOf(fileId))
  return <Markdown source={source} resolveLink={resolveLink} attachment={attachment} onClick={onClick} />
}
