/**
 * Attachments of a note (DESIGN.md, Attachments): the file's bytes live on the server as
 * sealed chunks; the note keeps a manifest per file in its `attachments` map, keyed by file id,
 * and its body links it as `![name](attachment:<fileId>)`. A manifest is written once and never
 * edited, so it is a plain value: two devices adding files at once add different keys of one
 * mergeable map, and both stay.
 */
import { isContainer, type LoroDoc, type LoroMap } from "loro-crdt"
import { NoteKey, noteRoot } from "./NoteLayout.js"

export interface AttachmentManifest {
  readonly fileId: string
  readonly name: string
  /** The media type the file came with ("" when the browser did not know it). */
  readonly type: string
  readonly size: number
  /** SHA-256 of the whole file, lowercase hex: what a reader checks the joined chunks against. */
  readonly sha256: string
  /** The chunks' blob ids (base64url), in file order. */
  readonly chunks: ReadonlyArray<string>
}

/** The link scheme a note body uses for its attachments. */
export const attachmentScheme = "attachment:"

const isManifest = (value: unknown): value is AttachmentManifest => {
  if (typeof value !== "object" || value === null) return false
  const v = value as Record<string, unknown>
  return (
    typeof v.fileId === "string" &&
    typeof v.name === "string" &&
    typeof v.type === "string" &&
    typeof v.size === "number" &&
    typeof v.sha256 === "string" &&
    Array.isArray(v.chunks) &&
    v.chunks.every((id) => typeof id === "string")
  )
}

const attachmentMap = (doc: LoroDoc): LoroMap | undefined => {
  const value = doc.getMap(noteRoot).get(NoteKey.attachments)
  return isContainer(value) && value.kind() === "Map" ? (value as LoroMap) : undefined
}

/** The note's attachments, in file-id order; entries that are not manifests (a newer app's) are skipped. */
export const attachmentsOf = (doc: LoroDoc): Array<AttachmentManifest> => {
  const out: Array<AttachmentManifest> = []
  for (const [fileId, value] of attachmentMap(doc)?.entries() ?? []) {
    const candidate: unknown = value
    if (isManifest(candidate)) out.push({ ...candidate, fileId, chunks: [...candidate.chunks] })
  }
  return out.sort((a, b) => (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0))
}

/** Adds (or replaces, for an import that re-chunked it) a file's manifest; the caller commits. */
export const putAttachment = (doc: LoroDoc, manifest: AttachmentManifest): void => {
  const { fileId, name, type, size, sha256, chunks } = manifest
  doc
    .getMap(noteRoot)
    .ensureMergeableMap(NoteKey.attachments)
    .set(fileId, { fileId, name, type, size, sha256, chunks: [...chunks] })
}

/** Drops every manifest, so the chunks stop being referenced (delete forever). */
export const clearAttachments = (doc: LoroDoc): void => {
  const map = attachmentMap(doc)
  for (const key of map?.keys() ?? []) map!.delete(key)
}

/** The file ids a body links with `attachment:`, in order of appearance. */
export const attachmentLinksOf = (body: string): Array<string> =>
  [...body.matchAll(/\]\(attachment:([A-Za-z0-9_-]+)\)/g)].map((match) => match[1]!)

/** The Markdown a body gets for a file: an image embeds, anything else is a link. */
export const attachmentMarkdown = (manifest: Pick<AttachmentManifest, "fileId" | "name" | "type">): string => {
  const label = manifest.name.replace(/[[\]\\\n\r]/g, " ").trim() || "file"
  return `${manifest.type.startsWith("image/") ? "!" : ""}[${label}](${attachmentScheme}${manifest.fileId})`
}
