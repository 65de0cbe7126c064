/** Derives the `notes` list row from a note; the list, search and sort read only this. */
import type { Note } from "@quire/schema"
import type { NoteRow } from "./QuireDb.js"

const previewLength = 160

/** The start of the body with its whitespace collapsed; reads only as much of a long body as that needs. */
export const previewOf = (body: string): string => {
  for (let take = 1024; ; take *= 4) {
    const preview = body.slice(0, take).replace(/\s+/g, " ").trim()
    // Past `previewLength` characters, a longer prefix collapses to the same start.
    if (preview.length > previewLength || take >= body.length) return preview.slice(0, previewLength)
  }
}

/** The row to store, or `undefined` when the note must leave every list (deleted forever). */
export const noteRowOf = (note: Note, readOnlyReason?: string, attachments = 0): NoteRow | undefined =>
  note.deleted
    ? undefined
    : {
        id: note.id,
        title: note.title,
        preview: previewOf(note.body),
        tags: note.tags,
        pinned: note.pinned ? 1 : 0,
        trashed: note.trashed ? 1 : 0,
        createdAt: note.createdAt,
        updatedAt: note.updatedAt,
        ...(readOnlyReason === undefined ? {} : { readOnlyReason }),
        ...(attachments > 0 ? { attachments } : {})
      }

/**
 * What search looks through: the title on the first line, then the body, as written (snippets
 * show it). Rows stored before version 4 of the database are lowercased until the note changes.
 */
export const searchTextOf = (note: Note): string => `${note.title.replace(/\s+/g, " ")}\n${note.body}`

/** The lists' order: pinned first, then most recently updated. */
export const sortNotes = (rows: ReadonlyArray<NoteRow>) => [...rows].sort((a, b) => b.pinned - a.pinned || b.updatedAt - a.updatedAt)
