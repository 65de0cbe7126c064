/**
 * The Loro layout of a note document: one root map `note`. Texts and the tag list are
 * mergeable children (`ensureMergeable*`), so two devices that create them concurrently get
 * the same container and their edits merge instead of one container replacing the other.
 */
export const noteRoot = "note"

export const NoteKey = {
  title: "title",
  body: "body",
  tags: "tags",
  pinned: "pinned",
  trashed: "trashed",
  /** Set by "delete forever": the note's content is cleared and it leaves every list. */
  deleted: "deleted",
  createdAt: "createdAt",
  updatedAt: "updatedAt",
  schemaVersion: "schemaVersion",
  /** Link text as written in the body (`[[Title]]`) → the id of the note it was made for. */
  links: "links",
  /** File id → the attachment's manifest (name, type, size, SHA-256, chunk ids), as a plain value. */
  attachments: "attachments"
} as const

/** The version this build writes; `@quire/migrations` brings older documents up to it. */
export const currentSchemaVersion = 3
