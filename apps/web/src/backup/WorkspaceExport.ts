/**
 * Device export and import: every document's Loro snapshot in the `QEXP` format of
 * `@quire/shared` (optionally sealed with a passphrase), and back into a new workspace.
 */
import { readNote, workspaceDocId } from "@quire/schema"
import { decodeExport, encodeExport, type EnvelopeEntry } from "@quire/shared"
import { Effect } from "effect"
import { LoroDoc } from "loro-crdt"
import type { NoteRepository } from "../data/NoteRepository.js"
import { markdownZip } from "./MarkdownExport.js"

export const exportWorkspace = async (repository: NoteRepository, passphrase?: string): Promise<Uint8Array> =>
  Effect.runPromise(encodeExport(await repository.snapshots(), passphrase ? { passphrase } : {}))

export const exportMarkdown = async (repository: NoteRepository): Promise<Uint8Array> => {
  const snapshots = await repository.snapshots()
  const notes = snapshots.filter((s) => s.docId !== workspaceDocId).map((s) => readNote(s.docId, LoroDoc.fromSnapshot(s.bytes)))
  return markdownZip(notes)
}

/** Reads an export; fails with NotAQuireExport, PassphraseRequired or WrongPassphrase. */
export const readExport = (file: Uint8Array, passphrase?: string) => decodeExport(file, passphrase)

/** Adds every document of an export to the workspace, reporting progress after each. */
export const importEntries = async (
  repository: NoteRepository,
  entries: ReadonlyArray<EnvelopeEntry>,
  onProgress: (done: number, total: number) => void
): Promise<void> => {
  let done = 0
  onProgress(0, entries.length)
  for (const entry of entries) {
    await repository.importDocument(entry.docId, entry.bytes)
    onProgress(++done, entries.length)
  }
}
