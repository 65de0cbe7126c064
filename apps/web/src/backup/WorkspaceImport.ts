/**
 * Import of a device export into a new workspace. The file is read whole and checked before
 * anything is created, so a damaged or foreign file changes nothing. Each attached file is cut
 * and sealed again under the new workspace's key (chunk ids depend on it), and its note's
 * manifest is rewritten to the new chunk ids, same file id, in the change that brings the note:
 * that change waits in the outbox until its chunks are on the server, like any added file.
 */
import { attachmentsOf, putAttachment, workspaceDocId, type AttachmentManifest } from "@quire/schema"
import { bufferSource, decodeExport, makeChunkKeys, type ChunkKeys, type ExportContents, type ExportFile } from "@quire/shared"
import { Effect, Either } from "effect"
import { LoroDoc } from "loro-crdt"
import { storeChunks } from "../attachments/ChunkedFile.js"
import { sha256Hex } from "./ExportFiles.js"
import type { DeviceRegistry } from "../data/DeviceRegistry.js"
import { DocStore } from "../data/DocStore.js"
import { createWorkspace, workspaceKeyOf, type OpenedWorkspace } from "../sync/Workspace.js"

/** Reads an export; fails with NotAQuireExport, PassphraseRequired or WrongPassphrase. */
export const readExport = (file: Uint8Array, passphrase?: string) => decodeExport(file, passphrase)

/** A file a note names that the export does not carry (it was exported without it). */
export interface FileNotImported {
  readonly noteId: string
  readonly name: string
}

export type ImportProgress = (done: number, total: number) => void

/** The manifests of a document as exported (none for the workspace document). */
const manifestsOf = (docId: string, bytes: Uint8Array): Array<AttachmentManifest> => {
  if (docId === workspaceDocId) return []
  const doc = new LoroDoc()
  doc.import(bytes)
  const manifests = attachmentsOf(doc)
  doc.free()
  return manifests
}

/** Stores one exported file under the new key; `undefined` if it is not the file its manifest names. */
const storeFile = async (store: DocStore, keys: ChunkKeys, noteId: string, manifest: AttachmentManifest, file: ExportFile) => {
  // The reader checked each file against the SHA-256 it was written with, and says which that was.
  if (file.bytes.length !== manifest.size || (file.sha256 ?? (await sha256Hex(file.bytes))) !== manifest.sha256) return undefined
  const stored = await storeChunks(
    store.db,
    keys,
    new File([bufferSource(file.bytes)], manifest.name, { type: manifest.type }),
    { fileId: manifest.fileId, noteId },
    undefined,
    store.clock
  )
  return { ...manifest, chunks: stored.chunks }
}

/** Adds every document of an export, and its files, to the store's workspace; progress counts documents and files. */
export const importContents = async (
  store: DocStore,
  workspaceKey: CryptoKey,
  contents: ExportContents,
  onProgress: ImportProgress = () => {}
): Promise<Array<FileNotImported>> => {
  const keys = await Effect.runPromise(makeChunkKeys(workspaceKey))
  const files = new Map(contents.files.map((file) => [file.fileId, file]))
  const total = contents.documents.length + contents.files.length
  const notImported: Array<FileNotImported> = []
  let done = 0
  onProgress(0, total)
  for (const entry of contents.documents) {
    const rewritten: Array<AttachmentManifest> = []
    for (const manifest of manifestsOf(entry.docId, entry.bytes)) {
      const file = files.get(manifest.fileId)
      const stored = file && (await storeFile(store, keys, entry.docId, manifest, file))
      if (stored) rewritten.push(stored)
      else notImported.push({ noteId: entry.docId, name: manifest.name })
      if (file) onProgress(++done, total)
    }
    await store.change(
      entry.docId,
      (doc) => {
        doc.import(entry.bytes)
        for (const manifest of rewritten) putAttachment(doc, manifest)
      },
      rewritten.flatMap((manifest) => manifest.chunks)
    )
    onProgress(++done, total)
  }
  onProgress(total, total)
  return notImported
}

/**
 * The whole import: reads and checks the file, then creates the workspace and fills it. A
 * file that is not a whole export is refused before the workspace is created.
 */
export const importExportFile = async (
  registry: DeviceRegistry,
  serverUrl: string,
  label: string,
  file: Uint8Array,
  passphrase: string | undefined,
  onProgress?: ImportProgress
): Promise<Either.Either<OpenedWorkspace & { readonly notImported: Array<FileNotImported> }, { readonly message: string }>> => {
  const contents = await Effect.runPromise(Effect.either(readExport(file, passphrase)))
  if (Either.isLeft(contents)) return Either.left(contents.left)
  const created = await createWorkspace(registry, serverUrl, label)
  if (Either.isLeft(created)) return Either.left(created.left)
  const key = await workspaceKeyOf(created.right.credentials)
  const notImported = await importContents(new DocStore(created.right.db, key), key, contents.right, onProgress)
  return Either.right({ ...created.right, notImported })
}
