/**
 * The workspace as a zip of Markdown files, one per note, with its metadata as front matter and
 * its attached files beside it in `attachments/`; the body's `attachment:<fileId>` links point
 * at them by relative path, so the folder reads in any Markdown viewer.
 */
import type { AttachmentManifest, Note } from "@quire/schema"
import { strToU8, zipSync, type Zippable } from "fflate"

const slug = (title: string) =>
  title
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s+/g, "-")
    .toLowerCase()
    .slice(0, 60) || "untitled"

const yamlString = (value: string) => JSON.stringify(value)

export const noteToMarkdown = (note: Note): string =>
  [
    "---",
    `title: ${yamlString(note.title)}`,
    `tags: [${note.tags.map(yamlString).join(", ")}]`,
    `pinned: ${note.pinned}`,
    `trashed: ${note.trashed}`,
    `created: ${new Date(note.createdAt).toISOString()}`,
    `updated: ${new Date(note.updatedAt).toISOString()}`,
    `id: ${note.id}`,
    "---",
    "",
    note.title ? `# ${note.title}\n\n${note.body}` : note.body
  ].join("\n")

/** A file name safe in any zip tool and file system: no folders, no control or reserved characters. */
export const safeFileName = (name: string): string => {
  const cleaned = name
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, "_")
    .replace(/^[.\s]+|[.\s]+$/g, "")
    .slice(0, 120)
  return cleaned || "file"
}

/** `name` or, when taken, `name-2.ext`, `name-3.ext` … */
const unique = (taken: Set<string>, folder: string, name: string) => {
  const dot = name.lastIndexOf(".")
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""]
  let path = `${folder}${name}`
  for (let n = 2; taken.has(path); n++) path = `${folder}${stem}-${n}${ext}`
  taken.add(path)
  return path
}

/** A relative link target that no Markdown parser cuts short: spaces and brackets percent-encoded. */
const linkTarget = (relative: string) =>
  relative
    .split("/")
    .map((part) => encodeURIComponent(part).replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/")

/** The body with each `attachment:<fileId>` link the export carries rewritten to its path beside the note. */
export const relinkBody = (body: string, paths: ReadonlyMap<string, string>): string =>
  body.replace(/\]\(attachment:([A-Za-z0-9_-]+)\)/g, (link, fileId: string) => {
    const path = paths.get(fileId)
    return path === undefined ? link : `](${linkTarget(path)})`
  })

/**
 * `attachments` are the workspace's rows (note, file); `files` the plaintext of those the
 * export carries, by file id. A file missing from `files` keeps its `attachment:` link.
 */
export const markdownZip = (
  notes: ReadonlyArray<Note>,
  attachments: ReadonlyArray<AttachmentManifest & { readonly noteId: string }> = [],
  files: ReadonlyMap<string, Uint8Array> = new Map()
): Uint8Array => {
  const zip: Zippable = {}
  const used = new Set<string>()
  const byNote = new Map<string, Array<AttachmentManifest>>()
  for (const row of attachments) byNote.set(row.noteId, [...(byNote.get(row.noteId) ?? []), row])
  for (const note of notes) {
    if (note.deleted) continue
    const folder = note.trashed ? "trash/" : ""
    const paths = new Map<string, string>()
    for (const manifest of byNote.get(note.id) ?? []) {
      const bytes = files.get(manifest.fileId)
      if (!bytes) continue
      const path = unique(used, `${folder}attachments/`, safeFileName(manifest.name))
      // Photos and videos are compressed already: stored as they are, the zip is made fast.
      zip[path] = [bytes, { level: 0 }]
      paths.set(manifest.fileId, path.slice(folder.length))
    }
    const name = unique(used, folder, `${slug(note.title)}.md`)
    zip[name] = strToU8(noteToMarkdown({ ...note, body: relinkBody(note.body, paths) }))
  }
  return zipSync(zip, { level: 6 })
}
