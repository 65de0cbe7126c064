/**
 * Device export: every document's Loro snapshot and every attached file in the `QEXP` format
 * of `@quire/shared` (optionally sealed with a passphrase), and the Markdown zip. Both fetch
 * the chunks the device lacks first; a file that cannot be had is named to the person, who
 * decides whether to export without it.
 */
import { readNote, workspaceDocId } from "@quire/schema"
import { encodeExport, type EnvelopeEntry } from "@quire/shared"
import { Effect } from "effect"
import { LoroDoc } from "loro-crdt"
import type { AttachmentRow, QuireDb } from "../data/QuireDb.js"
import { gatherFiles, type ExportProgress, type ExportSource, type UnavailableFile } from "./ExportFiles.js"
import { markdownZip } from "./MarkdownExport.js"

export type { ExportSource, UnavailableFile, ExportProgress } from "./ExportFiles.js"

export interface ExportChoices {
  /** Asked when some files could not be had: `true` exports without them, `false` exports nothing. */
  readonly withoutUnavailable: (files: ReadonlyArray<UnavailableFile>) => Promise<boolean>
  readonly onProgress?: ExportProgress
}

/** The documents and the files their notes name, read in one transaction so that they agree. */
const readWorkspace = (db: QuireDb) =>
  db.transaction("r", [db.docs, db.attachments], async () => ({
    documents: (await db.docs.toArray()).map((row): EnvelopeEntry => ({ docId: row.id, bytes: row.snapshot })),
    attachments: await db.attachments.toArray()
  }))

/** The files, or `undefined` when some could not be had and the person chose to export nothing. */
const filesFor = async (source: ExportSource, attachments: ReadonlyArray<AttachmentRow>, choices: ExportChoices) => {
  const gathered = await gatherFiles(source, attachments, choices.onProgress)
  if (gathered.unavailable.length > 0 && !(await choices.withoutUnavailable(gathered.unavailable))) return undefined
  return gathered.files
}

/** The export file, or `undefined` if the person declined to export without the files that could not be had. */
export const exportWorkspace = async (source: ExportSource, choices: ExportChoices & { readonly passphrase?: string }) => {
  const { documents, attachments } = await readWorkspace(source.db)
  const files = await filesFor(source, attachments, choices)
  if (!files) return undefined
  return Effect.runPromise(encodeExport({ documents, files }, choices.passphrase ? { passphrase: choices.passphrase } : {}))
}

/** The Markdown zip, each note's files beside it; `undefined` as for `exportWorkspace`. */
export const exportMarkdown = async (source: ExportSource, choices: ExportChoices) => {
  const { documents, attachments } = await readWorkspace(source.db)
  const files = await filesFor(source, attachments, choices)
  if (!files) return undefined
  const notes = documents
    .filter((entry) => entry.docId !== workspaceDocId)
    .map((entry) => {
      const doc = new LoroDoc()
      doc.import(entry.bytes)
      const note = readNote(entry.docId, doc)
      doc.free()
      return note
    })
  return markdownZip(notes, attachments, new Map(files.map((file) => [file.fileId, file.bytes])))
}
