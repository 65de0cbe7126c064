/**
 * Attaching files to the open note: one file after another (a drop of several, or several
 * drops), each stored in sealed chunks with its own progress, then linked in the body as an
 * ordinary edit where it was dropped or where the caret was, so the link syncs like typing.
 */
import { attachmentMarkdown, type AttachmentManifest } from "@quire/schema"
import type { EditorView } from "@codemirror/view"
import { useCallback, useEffect, useRef, useState, type RefObject } from "react"
import type { Attachments } from "../attachments/Attachments.js"
import type { NoteRepository } from "../data/NoteRepository.js"
import { messageOf } from "../messageOf.js"
import { insertAtPoint, markInsertionPoint, releaseInsertionPoint } from "./InsertionPoints.js"
import type { LiveNote } from "./LiveNote.js"

/** A file being encrypted and stored on this device, or the reason it could not be. */
export interface FileBeingAdded {
  readonly key: number
  readonly name: string
  readonly percent: number
  /** Still waiting for the files before it. */
  readonly queued: boolean
  readonly error?: string
}

let lastKey = 0

/** The link as the last line of the body, straight in the replica: the editor is not showing (preview) or is gone. */
const appendToBody = async (live: LiveNote, text: string, saveNow: (() => Promise<void>) | undefined) => {
  const body = live.body.toString()
  live.body.insert(live.body.length, `${body === "" || body.endsWith("\n") ? "" : "\n"}${text}\n`)
  live.stamp(Date.now())
  live.doc.commit()
  await saveNow?.()
}

export const useAttachFiles = ({
  noteId,
  live,
  repository,
  loadAttachments,
  view
}: {
  noteId: string
  live: LiveNote | undefined
  repository: NoteRepository | null
  loadAttachments: () => Promise<Attachments>
  view: RefObject<EditorView | null>
}) => {
  const [adding, setAdding] = useState<ReadonlyArray<FileBeingAdded>>([])
  const queue = useRef<Promise<void>>(Promise.resolve())
  const open = useRef(true)
  useEffect(() => {
    open.current = true
    return () => {
      open.current = false
    }
  }, [])

  const update = useCallback((key: number, change: Partial<FileBeingAdded> | null) => {
    if (!open.current) return
    setAdding((rows) =>
      change ? rows.map((row) => (row.key === key ? { ...row, ...change } : row)) : rows.filter((row) => row.key !== key)
    )
  }, [])

  /** Once the editor has left the page, nothing saves the replica on its own any more: the link is saved here. */
  const saveIfClosed = useCallback(async () => {
    if (open.current || !live || !repository) return
    const edits = live.unsaved(Date.now())
    if (!edits) return
    await repository.saveEditorUpdate(noteId, edits.update)
    live.saved(edits.counter)
  }, [live, repository, noteId])

  const link = useCallback(
    async (manifest: AttachmentManifest, markedIn: EditorView | undefined, mark: number | undefined) => {
      const text = attachmentMarkdown(manifest)
      const current = open.current ? view.current : null
      if (current) insertAtPoint(current, current === markedIn ? mark : undefined, text)
      else if (live) await appendToBody(live, text, saveIfClosed)
    },
    [live, view, saveIfClosed]
  )

  const attach = useCallback(
    (files: ReadonlyArray<File>, at?: number) => {
      if (files.length === 0) return
      const markedIn = view.current ?? undefined
      const mark = markedIn && markInsertionPoint(markedIn, at)
      const rows = files.map((file) => ({ key: ++lastKey, name: file.name || "file", percent: 0, queued: true }))
      setAdding((shown) => [...shown, ...rows])
      queue.current = queue.current.then(async () => {
        for (const [i, file] of files.entries()) {
          const { key } = rows[i]!
          update(key, { queued: false })
          try {
            const attachments = await loadAttachments()
            const manifest = await attachments.add(noteId, file, (done, total) =>
              update(key, { percent: total === 0 ? 100 : Math.floor((done / total) * 100) })
            )
            await link(manifest, markedIn, mark)
            update(key, null)
          } catch (error) {
            update(key, { error: messageOf(error) })
          }
        }
        if (markedIn && mark !== undefined && markedIn.dom.isConnected) releaseInsertionPoint(markedIn, mark)
      })
    },
    [noteId, loadAttachments, link, update, view]
  )

  const dismiss = useCallback((key: number) => update(key, null), [update])
  return { adding, attach, dismiss }
}
