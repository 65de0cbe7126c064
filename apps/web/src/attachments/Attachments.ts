/**
 * What the UI calls for attachments: add files to a note (chunks stored and queued first, then
 * the manifest in the note's change, which waits for them), read one back, and ask for the
 * chunks a note shows. Every add resolves once the file and the note's change are durable here.
 */
import { putAttachment, touchNote, type AttachmentManifest } from "@quire/schema"
import { makeChunkKeys, type ChunkKeys } from "@quire/shared"
import { Effect } from "effect"
import type { DocStore } from "../data/DocStore.js"
import { readAttachment, type AttachmentRead } from "./AttachmentReader.js"
import { storeChunks, type ChunkProgress, type FileLike } from "./ChunkedFile.js"
import { wantChunks } from "./ChunkWants.js"
import type { HandedChunk } from "./StoredChunk.js"

/** A file id: random, so the same file attached twice is two attachments sharing one set of chunks. */
const newFileId = () => crypto.randomUUID().replaceAll("-", "")

export class Attachments {
  private keys: Promise<ChunkKeys> | undefined

  /**
   * `onChange` runs after each stored file, and when chunks are wanted: the tab tells the sync
   * leader. `onChunksStored` runs as a file's chunks are stored, with those new here: the tab
   * hands them to its sync worker, which starts uploading them (`onChange` runs when not given).
   */
  constructor(
    private readonly store: DocStore,
    private readonly workspaceKey: CryptoKey,
    private readonly onChange: () => void = () => {},
    private readonly onChunksStored?: (chunks: ReadonlyArray<HandedChunk>) => void
  ) {}

  private chunkKeys(): Promise<ChunkKeys> {
    return (this.keys ??= Effect.runPromise(makeChunkKeys(this.workspaceKey)))
  }

  /** Stores `file` in chunks and adds its manifest to note `noteId`; the caller puts the link in the body. */
  async add(noteId: string, file: FileLike, onProgress?: ChunkProgress): Promise<AttachmentManifest> {
    const manifest = await storeChunks(
      this.store.db,
      await this.chunkKeys(),
      file,
      { fileId: newFileId(), noteId },
      onProgress,
      this.store.clock,
      (chunks) => (this.onChunksStored ? this.onChunksStored(chunks) : this.onChange())
    )
    await this.store.change(
      noteId,
      (doc, now) => {
        putAttachment(doc, manifest)
        touchNote(doc, now)
      },
      manifest.chunks
    )
    this.onChange()
    return manifest
  }

  async read(manifest: AttachmentManifest): Promise<AttachmentRead> {
    return readAttachment(this.store.db, await this.chunkKeys(), manifest)
  }

  /**
   * Fetches chunks again that were found damaged here: the cached copy is dropped first (a held
   * chunk counts as fetched), unless it is this device's own copy still waiting to upload, the
   * only one there is.
   */
  async refetch(ids: ReadonlyArray<string>): Promise<void> {
    const db = this.store.db
    await db.transaction("rw", [db.blobs, db.blobUploads], async () => {
      const uploading = new Set(
        await db.blobUploads
          .where("id")
          .anyOf([...ids])
          .primaryKeys()
      )
      await db.blobs.bulkDelete(ids.filter((id) => !uploading.has(id)))
    })
    await this.want(ids)
  }

  /** Asks the sync worker for these chunks (they arrive in `blobs`). */
  async want(ids: ReadonlyArray<string>): Promise<void> {
    await wantChunks(this.store.db, ids, this.store.clock())
    this.onChange()
  }
}
