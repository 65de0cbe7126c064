/**
 * What happens to the files added to this note: encrypting on this device (from the adding
 * queue), then uploading, read live from the chunks still queued for each file, so the rows
 * are right after a reload and in every tab. A file is gone from here once the server holds it.
 */
import { useLiveQuery } from "dexie-react-hooks"
import type { QuireDb } from "../data/QuireDb.js"
import type { FileBeingAdded } from "./useAttachFiles.js"

interface FileUploading {
  readonly fileId: string
  readonly name: string
  readonly done: number
  readonly total: number
  /** Why a chunk of it did not go, and whether it is tried again (a full workspace; the status bar says the server's words). */
  readonly error?: string
  readonly retried: boolean
}

const uploadsOf = async (db: QuireDb, noteId: string): Promise<ReadonlyArray<FileUploading>> => {
  const queued = await db.blobUploads.where("noteId").equals(noteId).toArray()
  if (queued.length === 0) return []
  // In the order the files were added.
  const addedAt = new Map<string, number>()
  for (const row of queued) addedAt.set(row.fileId, Math.min(row.createdAt, addedAt.get(row.fileId) ?? Infinity))
  const files = (await db.attachments.where("noteId").equals(noteId).toArray())
    .filter((file) => addedAt.has(file.fileId))
    .sort((a, b) => addedAt.get(a.fileId)! - addedAt.get(b.fileId)!)
  return files.map((file) => {
    const left = queued.filter((row) => row.fileId === file.fileId)
    const total = new Set(file.chunks).size
    const failed = left.find((row) => row.error !== undefined)
    return {
      fileId: file.fileId,
      name: file.name,
      done: Math.max(0, total - left.length),
      total,
      ...(failed?.error !== undefined ? { error: failed.error } : {}),
      retried: failed?.retryAt !== Infinity
    }
  })
}

const uploadProblem = (file: FileUploading) =>
  file.retried
    ? `${file.name} did not fit: the workspace is full on the server. It will be tried again.`
    : `${file.name} cannot be uploaded: ${file.error}`

export function AttachmentProgress({
  db,
  noteId,
  adding,
  onDismiss
}: {
  db: QuireDb
  noteId: string
  adding: ReadonlyArray<FileBeingAdded>
  onDismiss: (key: number) => void
}) {
  const uploading = useLiveQuery(() => uploadsOf(db, noteId), [db, noteId]) ?? []
  if (adding.length === 0 && uploading.length === 0) return null
  return (
    <div className="attachment-progress" aria-label="Files being added" role="group">
      {adding.map((file) =>
        file.queued ? (
          <p key={file.key} role="status">
            {file.name} waits for the files before it
          </p>
        ) : file.error === undefined ? (
          <p key={file.key} role="status">
            Encrypting {file.name} {file.percent}%
            <progress max={100} value={file.percent} aria-label={`Encrypting ${file.name}`} />
          </p>
        ) : (
          <p key={file.key} role="alert" className="failed">
            Could not attach {file.name}: {file.error}{" "}
            <button type="button" onClick={() => onDismiss(file.key)}>
              Dismiss
            </button>
          </p>
        )
      )}
      {uploading.map((file) =>
        file.error === undefined ? (
          <p key={file.fileId} role="status">
            Uploading {file.name} {file.done} of {file.total}
            <progress max={file.total} value={file.done} aria-label={`Uploading ${file.name}`} />
          </p>
        ) : (
          <p key={file.fileId} role="alert" className="failed">
            {uploadProblem(file)}
          </p>
        )
      )}
    </div>
  )
}
