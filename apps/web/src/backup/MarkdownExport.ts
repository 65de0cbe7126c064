/** The workspace as a zip of Markdown files, one per note, with its metadata as front matter. */
import type { Note } from "@quire/schema"
import { strToU8, zipSync } from "fflate"

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

export const markdownZip = (notes: ReadonlyArray<Note>): Uint8Array => {
  const files: Record<string, Uint8Array> = {}
  const used = new Set<string>()
  for (const note of notes) {
    if (note.deleted) continue
    const base = `${note.trashed ? "trash/" : ""}${slug(note.title)}`
    let name = `${base}.md`
    for (let n = 2; used.has(name); n++) name = `${base}-${n}.md`
    used.add(name)
    files[name] = strToU8(noteToMarkdown(note))
  }
  return zipSync(files, { level: 6 })
}
