/**
 * The Loro documents of one workspace in one context (a tab, or the sync worker), kept in
 * memory and persisted to `docs` and `notes`.
 *
 * Two rules keep every write safe:
 * - Within a context, writers take turns (`exclusive`), so a local edit and a remote import
 *   never interleave on the same in-memory document.
 * - Across contexts, each write first compares the stored version with the one this context
 *   last saw; if another context wrote since, its snapshot is merged in before writing.
 *   Nothing another tab or the worker saved can be overwritten.
 */
import { migrateNote, latestVersion } from "@quire/migrations"
import { attachmentsOf, hasDuplicateTags, linkTargets, readNote, schemaVersionOf, workspaceDocId } from "@quire/schema"
import { makeDocKeys, type EnvelopeEntry } from "@quire/shared"
import { Effect, Either } from "effect"
import { LoroDoc } from "loro-crdt"
import { bulkGetStored } from "./StoredRows.js"
import { linkRowsOf } from "./LinkIndex.js"
import { noteRowOf, searchTextOf } from "./NoteIndex.js"
import { FoldRaced, handOffPauseMs, openEntryOf, prepareWrite, writePrepared, type HandedEntry, type PreparedWrite } from "./OutboxFold.js"
import { importAll, type ImportFailure, type RemoteEntry } from "./RemoteImport.js"
import { linksPendingKey, searchTextCompleteKey, type AttachmentRow, type DocRow, type QuireDb } from "./QuireDb.js"
import { messageOf } from "../messageOf.js"

interface Entry {
  readonly doc: LoroDoc
  /** The version of the stored row this context last read or wrote; `undefined` if none was stored. */
  storedVersion: Uint8Array | undefined
  /** The note's `links` rows as this context last wrote them: an edit that leaves them alone does not rewrite them. */
  linksWritten?: string
  /** The same for its `attachments` rows. */
  attachmentsWritten?: string
}

/** The note cannot be edited on this device: a newer app wrote it. */
export class NoteReadOnly extends Error {
  override readonly name = "NoteReadOnly"
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]))

const readOnlyReasonOf = (doc: LoroDoc): string | undefined => {
  const version = schemaVersionOf(doc)
  return version > latestVersion
    ? `Saved by a newer version of Quire (format ${version}; this app reads up to ${latestVersion}). Update the app to edit this note.`
    : undefined
}

/** Documents kept in memory per context; the least recently used beyond this are dropped. */
const cacheLimit = 300

/** Loads a stored row into a document: the snapshot, then the updates still waiting on dependencies. */
const importRow = (doc: LoroDoc, row: DocRow) => {
  doc.import(row.snapshot)
  if (row.pending) doc.import(row.pending)
}

/** Takes in what another context stored since this one looked, if anything; its links rows may differ from what this one wrote. */
const readStored = (entry: Entry, row: DocRow | undefined) => {
  if (!row || sameBytes(row.version, entry.storedVersion)) return
  importRow(entry.doc, row)
  delete entry.linksWritten
  delete entry.attachmentsWritten
}

export class DocStore {
  /** In least-recently-used order: every access moves an entry to the end. */
  private readonly cache = new Map<string, Entry>()
  private turn: Promise<unknown> = Promise.resolve()
  private docKeys: Promise<(docId: string) => Effect.Effect<Uint8Array>> | undefined
  private readonly keyCache = new Map<string, Uint8Array>()
  /** When this context last saved a local edit: the next one after a pause is handed off. */
  private lastLocalSave = -Infinity

  /**
   * `handOff`, when given, receives each entry written frozen after a pause in typing, for the
   * sync worker to push at once (see `handOffPauseMs`). Without it, every entry stays open.
   */
  constructor(
    readonly db: QuireDb,
    private readonly key: CryptoKey,
    readonly clock: () => number = Date.now,
    private readonly handOff?: (entry: HandedEntry) => void
  ) {}

  /** The document's compaction key as the server sees it (HMAC of its id), derived once. */
  async keyOf(docId: string): Promise<Uint8Array> {
    const known = this.keyCache.get(docId)
    if (known) return known
    this.docKeys ??= Effect.runPromise(makeDocKeys(this.key))
    const key = await Effect.runPromise((await this.docKeys)(docId))
    this.keyCache.set(docId, key)
    return key
  }

  /**
   * Runs `task` after every earlier task of this store. Between tasks every cached document
   * equals its stored row, so the cache can drop the least recently used ones safely.
   */
  exclusive<A>(task: () => Promise<A>): Promise<A> {
    const run = this.turn.then(task, task).finally(() => this.trimCache())
    this.turn = run.catch(() => undefined)
    return run
  }

  private trimCache() {
    for (const id of this.cache.keys()) {
      if (this.cache.size <= cacheLimit) return
      this.cache.get(id)?.doc.free()
      this.cache.delete(id)
    }
  }

  /** The document as this context holds it, loading it from the database once. */
  private async entry(id: string): Promise<Entry> {
    return this.cache.has(id) ? this.entryFrom(id, undefined) : this.entryFrom(id, await this.db.docs.get(id))
  }

  /** The cached document caught up with `row`, or a new entry built from it (or empty). */
  private entryFrom(id: string, row: DocRow | undefined): Entry {
    const cached = this.cache.get(id)
    if (cached) {
      readStored(cached, row)
      this.cache.delete(id)
      this.cache.set(id, cached)
      return cached
    }
    const doc = new LoroDoc()
    // `snapshot` holds the whole document: a snapshot, or an update carrying its entire history.
    if (row) importRow(doc, row)
    // Rows of a note are written only with its document: none stored, none of its links or files either.
    const entry: Entry = row
      ? { doc, storedVersion: row.version }
      : { doc, storedVersion: undefined, linksWritten: "[]", attachmentsWritten: "[]" }
    // Changes carry their time, so a note's history can say when each version was written.
    entry.doc.setRecordTimestamp(true)
    this.cache.set(id, entry)
    return entry
  }

  /** Inside a transaction: merges in whatever another context stored since this one looked. */
  private async catchUp(id: string, entry: Entry): Promise<void> {
    readStored(entry, await this.db.docs.get(id))
  }

  /** The rows that store `entry`: the document, and (for a note) its list row and search text. */
  private rowsOf(id: string, entry: Entry, whole?: Uint8Array) {
    const version = entry.doc.oplogVersion().encode()
    const readOnlyReason = readOnlyReasonOf(entry.doc)
    const pending = entry.doc.exportPendingUpdates()
    const doc: DocRow = {
      id,
      snapshot: whole ?? entry.doc.export({ mode: "snapshot" }),
      version,
      schemaVersion: schemaVersionOf(entry.doc),
      ...(readOnlyReason === undefined ? {} : { readOnlyReason }),
      ...(pending === undefined ? {} : { pending }),
      ...(this.keyCache.has(id) ? { key: this.keyCache.get(id)! } : {})
    }
    if (id === workspaceDocId) return { doc, version }
    const note = readNote(id, entry.doc)
    const files = attachmentsOf(entry.doc)
    const row = noteRowOf(note, readOnlyReason, files.length)
    const links = row ? linkRowsOf(id, note.body, linkTargets(entry.doc)) : []
    // A note deleted forever keeps no files: its chunks are then referenced by no note.
    const attachments = row ? files.map((file) => ({ ...file, noteId: id })) : []
    return { doc, version, note: row ? { row, text: { id, text: searchTextOf(note) } } : undefined, links, attachments }
  }

  /** The tables `persist` writes: a transaction around it takes all of them. */
  private persistTables() {
    return [this.db.docs, this.db.notes, this.db.noteText, this.db.links, this.db.attachments, this.db.blobOrphans]
  }

  /**
   * Inside a transaction: stores documents with their list rows, in a few bulk writes. Answers
   * the notes a migration may change: older than this app, holding a tag twice (merged),
   * deleted forever, or whose migration failed before.
   * (A migration reads the whole document: a first pull of thousands of notes skips it.)
   */
  private async persist(items: ReadonlyArray<readonly [string, Entry, (Uint8Array | undefined)?]>): Promise<Array<string>> {
    const rows = items.map(([id, entry, whole]) => ({ id, entry, ...this.rowsOf(id, entry, whole) }))
    const notes = rows.filter((r) => r.id !== workspaceDocId)
    const listed = notes.flatMap((r) => (r.note ? [r.note] : []))
    const gone = notes.filter((r) => !r.note).map((r) => r.id)
    // Issued together, the writes go to the database in one trip instead of one trip each.
    await Promise.all([
      this.db.docs.bulkPut(rows.map((r) => r.doc)),
      ...(listed.length > 0 ? [this.db.notes.bulkPut(listed.map((n) => n.row)), this.db.noteText.bulkPut(listed.map((n) => n.text))] : []),
      ...(gone.length > 0 ? [this.db.notes.bulkDelete(gone), this.db.noteText.bulkDelete(gone)] : [])
    ])
    const relinked = notes.filter((r) => JSON.stringify(r.links) !== r.entry.linksWritten)
    if (relinked.length > 0) {
      await this.db.links
        .where("from")
        .anyOf(relinked.map((r) => r.id))
        .delete()
      await this.db.links.bulkPut(relinked.flatMap((r) => r.links ?? []))
    }
    const refiled = notes.filter((r) => JSON.stringify(r.attachments) !== r.entry.attachmentsWritten)
    if (refiled.length > 0) {
      const before = await this.db.attachments
        .where("noteId")
        .anyOf(refiled.map((r) => r.id))
        .toArray()
      const after = refiled.flatMap((r) => r.attachments ?? [])
      await this.db.attachments.bulkDelete(before.map((row): [string, string] => [row.noteId, row.fileId]))
      await this.db.attachments.bulkPut(after)
      await this.trackOrphans(before, after)
    }
    for (const r of rows) r.entry.storedVersion = r.version
    for (const r of relinked) r.entry.linksWritten = JSON.stringify(r.links)
    for (const r of refiled) r.entry.attachmentsWritten = JSON.stringify(r.attachments)
    return notes
      .filter((r) => r.doc.schemaVersion < latestVersion || !r.note || hasDuplicateTags(r.entry.doc) || this.migrationFailures.has(r.id))
      .map((r) => r.id)
  }

  /**
   * Inside the transaction that rewrote some notes' `attachments` rows: a chunk they no longer
   * name that no other row names either becomes an orphan from now (an earlier `since` is kept);
   * a chunk they name anew stops being one. Only the chunks that moved are looked up, so an
   * edit that leaves the files alone costs nothing here. The master removes old orphans (BlobCollector).
   */
  private async trackOrphans(before: ReadonlyArray<AttachmentRow>, after: ReadonlyArray<AttachmentRow>): Promise<void> {
    const was = new Set(before.flatMap((row) => row.chunks))
    const is = new Set(after.flatMap((row) => row.chunks))
    const named = [...is].filter((id) => !was.has(id))
    // Most devices hold no orphan: a first pull of many files then skips a delete per chunk.
    if (named.length > 0 && (await this.db.blobOrphans.count()) > 0) await this.db.blobOrphans.bulkDelete(named)
    const left = [...was].filter((id) => !is.has(id))
    if (left.length === 0) return
    const still = new Set((await this.db.attachments.where("chunks").anyOf(left).toArray()).flatMap((row) => row.chunks))
    const orphans = left.filter((id) => !still.has(id))
    const known = await this.db.blobOrphans.bulkGet(orphans)
    const since = this.clock()
    await this.db.blobOrphans.bulkPut(orphans.filter((_, i) => known[i] === undefined).map((id) => ({ id, since })))
  }

  /** Forgets in-memory state after a failed write, so the next read starts from the database. */
  private forget(ids: Iterable<string>) {
    for (const id of ids) this.cache.delete(id)
  }

  /**
   * A local edit: applies `mutate`, then in ONE transaction stores the document, its list row
   * and the encrypted change in the outbox. Once this resolves the edit survives anything.
   * Resolves `true` when the change was handed off (see the constructor): the sync worker knows of it already.
   */
  change(id: string, mutate: (doc: LoroDoc, now: number) => void, needs: ReadonlyArray<string> = []): Promise<boolean> {
    return this.exclusive(() => this.changeInTurn(id, mutate, needs))
  }

  private async changeInTurn(id: string, mutate: (doc: LoroDoc, now: number) => void, needs: ReadonlyArray<string>): Promise<boolean> {
    const entry = await this.entry(id)
    if (readOnlyReasonOf(entry.doc)) throw new NoteReadOnly(readOnlyReasonOf(entry.doc))
    const before = entry.doc.oplogVersion()
    try {
      mutate(entry.doc, this.clock())
    } catch (error) {
      // The document may be half changed: the next access reads it again from the database.
      this.forget([id])
      throw error
    }
    entry.doc.commit()
    return this.saveLocalChange(id, entry, before, needs)
  }

  /**
   * Edits made in another replica of the document in this context (the editor's), as a Loro
   * update: imported and stored like a local edit. The update may build on changes this
   * context's copy has not read yet (another tab's or the worker's); they are in the stored
   * row, so it is read first when Loro holds the update back. Resolves as `change` does.
   */
  importLocal(id: string, update: Uint8Array, check: (doc: LoroDoc) => void = () => {}): Promise<boolean> {
    return this.exclusive(async () => {
      const entry = await this.entry(id)
      if (readOnlyReasonOf(entry.doc)) throw new NoteReadOnly(readOnlyReasonOf(entry.doc))
      const before = entry.doc.oplogVersion()
      try {
        if (entry.doc.import(update).pending) {
          await this.catchUp(id, entry)
          if (entry.doc.import(update).pending) throw new Error("The edit builds on changes this device does not hold.")
        }
        check(entry.doc)
      } catch (error) {
        this.forget([id])
        throw error
      }
      return this.saveLocalChange(id, entry, before)
    })
  }

  /** What an edit writes when it may fold: the open entry and the stored row are read at once, then sealed. */
  private async prepareFold(
    id: string,
    key: Uint8Array,
    entry: Entry,
    before: ReturnType<LoroDoc["oplogVersion"]>
  ): Promise<PreparedWrite> {
    const [open, stored] = await Promise.all([openEntryOf(this.db, id), this.db.docs.get(id)])
    // The open entry may hold another tab's edits: fold from a document that has them.
    if (open) readStored(entry, stored)
    return prepareWrite(this.key, id, key, entry.doc, before, open)
  }

  /** Stores a local edit; `true` when it was handed off. */
  private async saveLocalChange(
    id: string,
    entry: Entry,
    before: ReturnType<LoroDoc["oplogVersion"]>,
    needs: ReadonlyArray<string> = []
  ): Promise<boolean> {
    if (entry.doc.oplogVersion().compare(before) === 0) return false
    try {
      const key = await this.keyOf(id)
      const now = this.clock()
      const afterPause = now - this.lastLocalSave >= handOffPauseMs
      this.lastLocalSave = now
      const mayHandOff = afterPause && this.handOff !== undefined && needs.length === 0
      // After a pause there is usually no entry to fold into: the edit is sealed alone and written
      // in one transaction, which checks that there is indeed none; if there is, it is read and
      // folded into as usual. (While typing goes on there is one, and sealing alone would be wasted.)
      let sealedAlone: Promise<PreparedWrite> | undefined = afterPause
        ? prepareWrite(this.key, id, key, entry.doc, before, undefined)
        : undefined
      sealedAlone?.catch(() => undefined)
      for (;;) {
        const alone = sealedAlone
        sealedAlone = undefined
        const prepared = await (alone ?? this.prepareFold(id, key, entry, before))
        try {
          // The reads and writes are issued together where they do not depend on each other: the
          // edit then waits on two trips to the database, not one per row.
          const handed = await this.db.transaction("rw", [...this.persistTables(), this.db.outbox], async () => {
            const stored = this.catchUp(id, entry).then(() => this.persist([[id, entry]]))
            // Awaited below; a failure meanwhile must not count as unhandled.
            stored.catch(() => undefined)
            const [open, waiting] = await Promise.all([
              alone ? openEntryOf(this.db, id) : undefined,
              // Handed off only when nothing else waits to go: it is then the next push, alone.
              mayHandOff && prepared.kind === "new" ? this.db.outbox.count() : undefined
            ])
            if (open) throw new FoldRaced()
            const frozen = waiting === 0
            const [, clientSeq] = await Promise.all([stored, writePrepared(this.db, prepared, now, needs, frozen)])
            return frozen && prepared.kind === "new" && clientSeq !== undefined
              ? { clientSeq, docId: id, key: prepared.key, blob: prepared.blob }
              : undefined
          })
          if (handed) this.handOff?.(handed)
          return handed !== undefined
        } catch (error) {
          if (!(error instanceof FoldRaced)) throw error
        }
      }
    } catch (error) {
      this.forget([id])
      throw error
    }
  }

  /**
   * Remote changes: imports every entry into its document and stores them, together with
   * whatever `alsoWrite` records (the pull cursor, the entries Loro refused), in one
   * transaction. Then migrates any document that arrived in an older format; those edits go
   * to the outbox like any other.
   */
  applyRemote(
    entries: ReadonlyArray<RemoteEntry>,
    alsoWrite: (failures: ReadonlyArray<ImportFailure>) => Promise<unknown> = async () => {}
  ): Promise<void> {
    return this.exclusive(async () => {
      const updates = new Map<string, Array<RemoteEntry>>()
      for (const entry of entries) {
        if (entry.key) this.keyCache.set(entry.docId, entry.key)
        const list = updates.get(entry.docId)
        if (list) list.push(entry)
        else updates.set(entry.docId, [entry])
      }
      const ids = [...updates.keys()]
      let migrating: Array<string> = []
      try {
        const tables = [...this.persistTables(), this.db.meta, this.db.quarantine, this.db.docLog]
        await this.db.transaction("rw", tables, async () => {
          // One read for the whole page, then Loro in memory, then bulk writes: no per-note round trips.
          const stored = await bulkGetStored(this.db.docs, ids)
          for (const row of stored) if (row?.key && !this.keyCache.has(row.id)) this.keyCache.set(row.id, row.key)
          const failures: Array<ImportFailure> = []
          const touched = ids.map((id, i) => {
            const known = this.cache.has(id) || stored[i] !== undefined
            const entry = this.entryFrom(id, stored[i])
            const received = updates.get(id)!
            const failed = importAll(entry.doc, id, received)
            failures.push(...failed)
            // A document seen for the first time, whole in one blob: those bytes are what we would store.
            const whole = !known && received.length === 1 && failed.length === 0 ? received[0]!.bytes : undefined
            return [id, entry, whole] as const
          })
          migrating = await this.persist(touched)
          await alsoWrite(failures)
        })
      } catch (error) {
        this.forget(ids)
        throw error
      }
      for (const id of migrating) await this.migrateSafely(id)
    })
  }

  /** Migrates every stored document older than this app, and completes backfilled search text; run at start. */
  migrateAll(): Promise<void> {
    return this.exclusive(async () => {
      const stale = await this.db.docs.where("schemaVersion").below(latestVersion).primaryKeys()
      for (const id of stale) await this.migrateSafely(id)
      await this.completeSearchText()
      await this.completeLinks()
    })
  }

  /**
   * Notes stored before the links index existed: indexed once, from their documents. Only a
   * database upgraded from before it has any: a new one (a device just paired, thousands of
   * notes pulled) indexes each note as it writes it, and must not read them all again.
   */
  private linksComplete = false

  private async completeLinks(): Promise<void> {
    if (this.linksComplete) return
    if ((await this.db.meta.get(linksPendingKey)) !== undefined) {
      const ids = (await this.db.notes.toCollection().primaryKeys()).filter((id) => id !== workspaceDocId)
      for (const id of ids) {
        const entry = await this.current(id)
        if (!entry) continue
        await this.db.links.where("from").equals(id).delete()
        await this.db.links.bulkPut(linkRowsOf(id, readNote(id, entry.doc).body, linkTargets(entry.doc)))
      }
      await this.db.meta.delete(linksPendingKey)
    }
    this.linksComplete = true
  }

  /**
   * Search text the database upgrade could only fill from the list row: the whole text, from the
   * document. Once per store, until a pass completes every row; then never again on this device
   * (finding them reads every note's text, and nothing writes such rows any more).
   */
  private searchTextComplete = false

  private async completeSearchText(): Promise<void> {
    if (this.searchTextComplete) return
    this.searchTextComplete = true
    if ((await this.db.meta.get(searchTextCompleteKey)) !== undefined) return
    const partial = await this.db.noteText.filter((row) => row.partial === true).primaryKeys()
    for (const id of partial) {
      const entry = await this.current(id)
      const text = entry && { id, text: searchTextOf(readNote(id, entry.doc)) }
      await this.db.noteText.put(text ?? { id, text: "" })
    }
    await this.db.meta.put({ key: searchTextCompleteKey, value: true })
  }

  /**
   * Documents whose migration threw, with why: they stay as they are (readable in their old
   * format, their data and their snapshot backup kept), and the others go on migrating.
   */
  readonly migrationFailures = new Map<string, string>()

  private async migrateSafely(id: string): Promise<void> {
    try {
      await this.migrateInTurn(id)
      this.migrationFailures.delete(id)
    } catch (error) {
      this.forget([id])
      this.migrationFailures.set(id, messageOf(error))
    }
  }

  private async migrateInTurn(id: string): Promise<void> {
    if (id === workspaceDocId) return
    const entry = await this.entry(id)
    const from = schemaVersionOf(entry.doc)
    const before = entry.doc.oplogVersion()
    const snapshotBefore = from < latestVersion ? entry.doc.export({ mode: "snapshot" }) : undefined
    const outcome = migrateNote(id, entry.doc)
    if (Either.isLeft(outcome) || !outcome.right.changed) return
    if (snapshotBefore) await this.db.docBackups.add({ docId: id, snapshot: snapshotBefore, schemaVersion: from, at: this.clock() })
    await this.saveLocalChange(id, entry, before)
  }

  /**
   * The document as a fresh snapshot for compaction, or why it must not be compacted here:
   * a snapshot may only replace what it provably contains.
   */
  compactionSnapshot(id: string): Promise<{ readonly snapshot: Uint8Array } | { readonly refused: string }> {
    return this.exclusive(async () => {
      const entry = await this.current(id)
      if (!entry) return { refused: "not stored on this device" }
      if (entry.doc.exportPendingUpdates() !== undefined) return { refused: "updates wait on missing dependencies" }
      if (readOnlyReasonOf(entry.doc)) return { refused: "written by a newer app" }
      return { snapshot: entry.doc.export({ mode: "snapshot" }) }
    })
  }

  /** Every document's full snapshot, for export. */
  async allSnapshots(): Promise<Array<EnvelopeEntry>> {
    return this.exclusive(async () => {
      const rows = await this.db.docs.toArray()
      return rows.map((row) => ({ docId: row.id, bytes: row.snapshot }))
    })
  }

  /** This context's copy of the document, brought up to what is stored; `undefined` if none is. */
  private async current(id: string): Promise<Entry | undefined> {
    const row = await this.db.docs.get(id)
    if (!row) return undefined
    const entry = await this.entry(id)
    readStored(entry, row)
    entry.storedVersion = row.version
    return entry
  }

  /** The note as stored, read through this context's copy of its document. */
  read(id: string) {
    return this.exclusive(async () => {
      const entry = await this.current(id)
      return entry && readNote(id, entry.doc)
    })
  }

  /** The note's past versions, newest first: one per change, as the note stood after it. */
  history(id: string, limit = 50) {
    return this.exclusive(async () => {
      const entry = await this.current(id)
      if (!entry) return []
      const changes = [...entry.doc.getAllChanges().values()]
        .flat()
        .sort((a, b) => b.lamport - a.lamport || Number(b.peer) - Number(a.peer))
      return changes.slice(0, limit).map((change) => {
        const frontier = { peer: change.peer, counter: change.counter + change.length - 1 }
        return {
          versionId: `${frontier.counter}@${frontier.peer}`,
          /** Seconds since the epoch, 0 when the change did not record a time. */
          timestamp: change.timestamp,
          note: readNote(id, entry.doc.forkAt([frontier]))
        }
      })
    })
  }
}

export type NoteVersion = Awaited<ReturnType<DocStore["history"]>>[number]
