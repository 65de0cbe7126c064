/** A note as plain data: what lists, search and editors read. */
import { Schema } from "effect"

export const Note = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  body: Schema.String,
  tags: Schema.Array(Schema.String),
  pinned: Schema.Boolean,
  trashed: Schema.Boolean,
  deleted: Schema.Boolean,
  /** Milliseconds since the epoch. */
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  schemaVersion: Schema.Int
})
export type Note = typeof Note.Type

/** Tags as a person means them: trimmed, non-empty, each once, first spelling wins. */
export const normalizeTags = (tags: ReadonlyArray<string>): Array<string> => {
  const seen = new Set<string>()
  const out: Array<string> = []
  for (const raw of tags) {
    const tag = raw.trim()
    if (tag === "" || seen.has(tag)) continue
    seen.add(tag)
    out.push(tag)
  }
  return out
}
