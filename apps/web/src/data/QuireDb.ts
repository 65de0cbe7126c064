/**
 * The device's database (Dexie over IndexedDB). Tables follow the design: `docs` (Loro
 * snapshots), `notes` (the list-view index derived from docs), `outbox` (encrypted changes
 * not yet acknowledged), `meta` (workspace, cursor, last sync). Add tables and indexes with
 * a new `version(n)`; never change an old one.
 */
import type { AttachmentManifest } from "@quire/schema"
import Dexie, { type EntityTable } from "dexie"
import type { StoredChunk } from "../attachments/StoredChunk.js"
import { textStamp } from "../search/TextStamp.js"

export interface DocRow {
  readonly id: string
  /** The Loro snapshot: the whole document, history included. */
  readonly snapshot: Uint8Array
  /** `oplogVersion().encode()` of that snapshot: tells a writer whether someone else wrote since it read. */
  readonly version: Uint8Array
  readonly schemaVersion: number
  /** Why the document cannot be edited here (written by a newer app), if it cannot. */
  readonly readOnlyReason?: string
  /**
   * Remote updates Loro holds back until their missing dependencies arrive
   * (`exportPendingUpdates`); a snapshot leaves them out, so they are stored beside it.
   */
  readonly pending?: Uint8Array
  /** The document's compaction key, as the server sees it (HMAC of its id). */
  readonly key?: Uint8Array
}

export interface NoteRow {
  readonly id: string
  readonly title: string
  readonly preview: string
  readonly tags: ReadonlyArray<string>
  /** 1 or 0: IndexedDB cannot index booleans. */
  readonly pinned: 0 | 1
  readonly trashed: 0 | 1
  readonly createdAt: number
  readonly updatedAt: number
  readonly readOnlyReason?: string
  /** How many files the note has attached (absent: none); the list marks such notes. */
  readonly attachments?: number
}

export interface OutboxEntry {
  /** Assigned by IndexedDB, increasing, never reused: the idempotency key of the push. */
  readonly clientSeq?: number
  /** The one document the change belongs to, and its compaction key as the server sees it. */
  readonly docId: string
  readonly key: Uint8Array
  /** `sealBlob(encodeEnvelope(...))`: exactly what goes to the server. */
  readonly blob: Uint8Array
  readonly createdAt: number
  /** The document version the entry's update starts at: later edits fold in from here (OutboxFold). */
  readonly from?: Uint8Array
  /** 1 once a push carrying the entry has started: its bytes never change again. */
  readonly frozen?: 0 | 1
  /** How many edits were folded into the entry after the first. */
  readonly folds?: number
  /** Attachment chunks (blob ids) the change refers to: it is pushed only once the server has them all. */
  readonly needs?: ReadonlyArray<string>
}

/** A blob pulled from the server that could not be read; kept, never dropped. */
export interface QuarantineRow {
  readonly id?: number
  readonly seq: number
  /** The compaction key of the change (base64url): a document with one is never compacted here. */
  readonly key?: string
  readonly data: Uint8Array
  readonly reason: string
  readonly at: number
}

/** A document as it was before a migration rewrote it. */
export interface DocBackupRow {
  readonly id?: number
  readonly docId: string
  readonly snapshot: Uint8Array
  readonly schemaVersion: number
  readonly at: number
}

/** A note's searchable text (its title, a line break, its body), kept apart so lists stay light. */
export interface NoteTextRow {
  readonly id: string
  readonly text: string
  /** Set when only the title and preview are in `text` (backfilled); the whole text follows. */
  readonly partial?: boolean
  /** When it was written, stamped by TextStamp: the search index catches up from its last save by it. */
  readonly at?: number
}

/**
 * The search index as last saved. The rest of the row is the search's own (IndexKeeper's
 * `SavedIndexRow`), told apart by `format`: a row of a format the app does not read is rebuilt.
 */
export interface SearchIndexRow {
  readonly name: string
  readonly format: number
}

/**
 * What this device knows of one document's log on the server, from the changes it pulled:
 * how much lies past the document's latest snapshot. Compaction decides from it.
 */
export interface DocLogRow {
  /** The compaction key, base64url. */
  readonly key: string
  /** The document, once one of its changes could be read. */
  readonly docId?: string
  /** Changes past the latest snapshot, and their bytes. */
  readonly tailCount: number
  readonly tailBytes: number
  /** Size of the latest snapshot (0 while there is none), and how many changes it replaced. */
  readonly snapshotBytes: number
  readonly coveredCount: number
  /** When this device pulled the document's latest change, and which device wrote it. */
  readonly lastChangeAt: number
  readonly lastDeviceId: string
}

export interface MetaRow {
  readonly key: string
  readonly value: unknown
}

/** A `[[link]]` in a note's body: "Linked from" reads these by target id, or by title for links typed by hand. */
export interface LinkRow {
  readonly from: string
  /** The link text as written. */
  readonly text: string
  /** The note the link was made for, when it was picked from the completion list. */
  readonly to?: string
  /** `text` lowercased. */
  readonly title: string
}

/** An attachment chunk as the server stores it (sealed): the device's cache, and what an upload sends. */
export interface BlobRow {
  readonly id: string
  readonly data: StoredChunk
}

/** A chunk added on this device that the server has not confirmed yet: it waits here, like a change in the outbox. */
export interface BlobUploadRow {
  readonly id: string
  /** The file and note it was added for: progress and errors are shown on that file. */
  readonly fileId: string
  readonly noteId: string
  readonly bytes: number
  readonly createdAt: number
  /** Why the last try failed (a full quota), and when to try again. */
  readonly error?: string
  readonly retryAt?: number
}

/** A chunk this device wants from the server (a note showing it was opened, or every attachment kept offline). */
export interface BlobWantRow {
  readonly id: string
  readonly at: number
  readonly attempts: number
  /** Why the last try failed (missing on the server, damaged), and when to try again. */
  readonly error?: string
  readonly retryAt?: number
}

/** One file attached to one note, as its manifest says: what readers, the list and clean-up read. */
export interface AttachmentRow extends AttachmentManifest {
  readonly noteId: string
}

/** A chunk no note refers to any more, since when: the master device removes it from the server after a wait. */
export interface BlobOrphanRow {
  readonly id: string
  readonly since: number
}

/** Set by the upgrade to version 5: notes stored before the links index wait to be indexed. */
export const linksPendingKey = "linksPending"
/** In `meta` once every `noteText` row written partial by the version 3 upgrade holds its whole text. */
export const searchTextCompleteKey = "searchTextComplete"

export class QuireDb extends Dexie {
  docs!: EntityTable<DocRow, "id">
  notes!: EntityTable<NoteRow, "id">
  outbox!: EntityTable<OutboxEntry, "clientSeq">
  meta!: EntityTable<MetaRow, "key">
  quarantine!: EntityTable<QuarantineRow, "id">
  docBackups!: EntityTable<DocBackupRow, "id">
  noteText!: EntityTable<NoteTextRow, "id">
  docLog!: EntityTable<DocLogRow, "key">
  searchIndex!: EntityTable<SearchIndexRow, "name">
  links!: Dexie.Table<LinkRow, [string, string]>
  blobs!: EntityTable<BlobRow, "id">
  blobUploads!: EntityTable<BlobUploadRow, "id">
  blobWants!: EntityTable<BlobWantRow, "id">
  attachments!: Dexie.Table<AttachmentRow, [string, string]>
  blobOrphans!: EntityTable<BlobOrphanRow, "id">

  constructor(name = "quire") {
    super(name)
    this.version(1).stores({
      docs: "id, schemaVersion",
      notes: "id, updatedAt, *tags, pinned, trashed",
      outbox: "++clientSeq",
      meta: "key",
      quarantine: "++id, seq",
      docBackups: "++id, docId"
    })
    this.version(2).stores({ noteText: "id" })
    // Contract v2: changes are keyed by document, and compaction is per document.
    this.version(3)
      .stores({ outbox: "++clientSeq, docId", quarantine: "++id, seq, key", docLog: "key, tailCount" })
      .upgrade(async (tx) => {
        // Notes stored before `noteText` existed: searchable at once by title and the start of
        // the body (no Loro here: the list must not wait for it); DocStore fills the whole text.
        const known = new Set(await tx.table("noteText").toCollection().primaryKeys())
        const missing = (await tx.table("notes").toArray()).filter((row: NoteRow) => !known.has(row.id))
        await tx
          .table("noteText")
          .bulkPut(missing.map((row: NoteRow) => ({ id: row.id, text: `${row.title}\n${row.preview}`.toLowerCase(), partial: true })))
      })
    // Ranked search: search text stamped with when it was written, and the persisted search index.
    this.version(4).stores({ noteText: "id, at", searchIndex: "name" })
    // Links between notes, for "Linked from". A database that held notes before this version
    // has them indexed once by DocStore (a new one indexes each note as it is written).
    this.version(5)
      .stores({ links: "[from+text], from, to, title" })
      .upgrade((tx) => tx.table("meta").put({ key: linksPendingKey, value: true }))
    // Attachments: sealed chunks cached and waiting to upload or download, each note's files, and chunks left unreferenced.
    this.version(6).stores({
      blobs: "id",
      blobUploads: "id, fileId, noteId",
      blobWants: "id",
      attachments: "[noteId+fileId], noteId, fileId, *chunks",
      blobOrphans: "id"
    })
    this.use(textStamp)
  }
}
