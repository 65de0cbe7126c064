/**
 * Keeps a SearchIndex in step with the `noteText` table, incrementally, and saves it in
 * `searchIndex` so a start loads it instead of rebuilding it:
 * - at start: the saved index, then only the rows stamped since its newest note (TextStamp),
 *   then the ids compared, for notes deleted (or written unstamped) meanwhile;
 * - while running: the rows stamped since, read again after any context (a tab, the sync
 *   worker) writes `noteText`, once writes pause (or at most every `followLongestMs` while
 *   they go on), and at once before a query (`fresh`); a save after a quiet moment.
 *   Reading at each write would put the index's work beside the edit's on the device's cores
 *   at the very moment the edit is pushed, or shown from another device.
 * Nothing is lost by a save that never happens: the next start catches up from the rows.
 */
import { Dexie, type ObservabilitySet } from "dexie"
import type { NoteTextRow, QuireDb } from "../data/QuireDb.js"
import type { SavedIndex } from "./SavedIndex.js"
import { SearchIndex, searchIndexFormat, type SearchDoc } from "./SearchIndex.js"

const savedName = "notes"

/**
 * The `searchIndex` row: the index in its saved shape, and each indexed note's stamp (`at`) when
 * indexed, as two arrays (a 10,000-key object costs more to store and read).
 */
export interface SavedIndexRow {
  readonly name: string
  readonly format: number
  readonly index: SavedIndex
  readonly stamped: ReadonlyArray<string>
  readonly stamps: Float64Array
}

/** The table keeps whatever shape its `format` says; QuireDb's row type names only what every format has. */
const savedIndexTable = (db: QuireDb) => db.table<SavedIndexRow, string>("searchIndex")

/**
 * Rows stamped this long before the newest indexed one are read again: two contexts' writes
 * can commit in another order than their stamps, by at most a transaction's time.
 */
const stampSlackMs = 10_000

/** Where the start's time went, in milliseconds. */
export interface OpenTimings {
  /** The saved index and the rows written since it, read in one transaction. */
  readonly readMs: number
  readonly loadMs: number
  readonly catchUpMs: number
  /** Notes indexed at start because they changed (or all of them, when nothing was saved). */
  readonly caughtUp: number
}

export interface KeeperOptions {
  /** Quiet time after a change before the index is saved. */
  readonly saveAfterMs?: number
  /** Quiet time after a write of `noteText` before the index reads it (default `followQuietMs`). */
  readonly followQuietMs?: number
}

/** Writes of `noteText` are read once they pause this long, */
export const followQuietMs = 250
/** or at most this long after the first of them while they go on. */
export const followLongestMs = 1_000

/** The row as the index takes it: the title is the first line (see NoteIndex.searchTextOf). */
export const searchDocOf = (row: NoteTextRow): SearchDoc => {
  const lineEnd = row.text.indexOf("\n")
  return lineEnd < 0
    ? { id: row.id, title: row.text, body: "" }
    : { id: row.id, title: row.text.slice(0, lineEnd), body: row.text.slice(lineEnd + 1) }
}

/**
 * The rows written since the index last looked: those stamped after its newest note, and,
 * if the count of rows stamped in the slack before it is not what the index holds there, those
 * too (a write that committed late). Reading every row of that window each time would cost a
 * whole-table read after a large pull.
 */
const changedSince = async (db: QuireDb, stamps: ReadonlyMap<string, number>): Promise<Array<NoteTextRow>> => {
  let newest = -Infinity
  for (const at of stamps.values()) if (at > newest) newest = at
  const newer = await db.noteText.where("at").above(newest).toArray()
  if (newest === -Infinity) return newer
  const windowStart = newest - stampSlackMs
  let held = 0
  for (const at of stamps.values()) if (at > windowStart && at <= newest) held++
  const window = db.noteText.where("at").between(windowStart, newest, false, true)
  return (await window.count()) === held ? newer : [...(await window.toArray()), ...newer]
}

/** The saved index, if it is of this format and whole, with its stamps as a map. */
const usableSave = (row: SavedIndexRow | undefined) =>
  row?.format === searchIndexFormat && row.stamps instanceof Float64Array && row.stamped.length === row.stamps.length
    ? { index: row.index, stamps: new Map(row.stamped.map((id, i) => [id, row.stamps[i]!])) }
    : undefined

/**
 * What a start reads, in one transaction, so the rows match the saved index and the count matches
 * the rows: the saved index and the rows written since it, or every row when there is none.
 */
const readStart = (db: QuireDb) =>
  db.transaction("r", [savedIndexTable(db), db.noteText], async () => {
    const saved = usableSave(await savedIndexTable(db).get(savedName))
    const rows = saved ? await changedSince(db, saved.stamps) : await db.noteText.toArray()
    return { saved, rows, count: await db.noteText.count() }
  })

export class IndexKeeper {
  private stopFollowing: (() => void) | undefined
  /** Set when `noteText` was written since the index last read it; the read is due by then. */
  private stale: { readonly since: number; timer: ReturnType<typeof setTimeout> } | undefined
  private reading: Promise<void> = Promise.resolve()
  private onChange: () => void = () => {}
  private saveTimer: ReturnType<typeof setTimeout> | undefined
  private unsaved = false
  private saving: Promise<void> = Promise.resolve()
  timings: OpenTimings = { readMs: 0, loadMs: 0, catchUpMs: 0, caughtUp: 0 }

  private constructor(
    private readonly db: QuireDb,
    readonly index: SearchIndex,
    /** Each indexed note's stamp when indexed; 0 for a row written before stamps existed. */
    private readonly stamps: Map<string, number>,
    private readonly options: KeeperOptions
  ) {}

  /** Loads (or builds) the index and brings it up to date; live updates start with `follow`. */
  static async open(db: QuireDb, options: KeeperOptions = {}): Promise<IndexKeeper> {
    const started = performance.now()
    const start = await readStart(db)
    const read = performance.now()
    let keeper: IndexKeeper | undefined
    if (start.saved) {
      try {
        keeper = new IndexKeeper(db, SearchIndex.load(start.saved.index), start.saved.stamps, options)
      } catch {
        // An unreadable save is rebuilt from the rows, which are the truth.
      }
    }
    const loaded = performance.now()
    const rows = keeper || !start.saved ? start.rows : await db.noteText.toArray()
    keeper ??= new IndexKeeper(db, SearchIndex.empty(), new Map(), options)
    const caughtUp = await keeper.catchUp(rows, start.count)
    keeper.timings = { readMs: read - started, loadMs: loaded - read, catchUpMs: performance.now() - loaded, caughtUp }
    return keeper
  }

  /** Indexes rows whose stamp differs from what was indexed; how many did. */
  private apply(rows: ReadonlyArray<NoteTextRow | undefined>): number {
    let changed = 0
    for (const row of rows) {
      if (!row || this.stamps.get(row.id) === (row.at ?? 0)) continue
      this.index.put(searchDocOf(row))
      this.stamps.set(row.id, row.at ?? 0)
      changed++
    }
    return changed
  }

  /** Notes gone from `noteText` leave the index; rows it never saw (unstamped) join it. */
  private async reconcile(): Promise<boolean> {
    const ids = new Set(await this.db.noteText.toCollection().primaryKeys())
    let changed = false
    for (const id of this.stamps.keys())
      if (!ids.has(id)) {
        this.index.remove(id)
        this.stamps.delete(id)
        changed = true
      }
    const unseen = [...ids].filter((id) => !this.stamps.has(id))
    if (unseen.length > 0) changed = this.apply(await this.db.noteText.bulkGet(unseen)) > 0 || changed
    return changed
  }

  /** Takes in the rows read at start; `count` is the table's row count read with them. */
  private async catchUp(rows: ReadonlyArray<NoteTextRow>, count: number): Promise<number> {
    const applied = this.apply(rows)
    // Ids are compared only when the count differs: a deletion matched by an addition leaves a
    // stale entry until the next change of count, which the list drops (it has no row).
    const reconciled = count !== this.stamps.size && (await this.reconcile())
    // Saved soon after a start that had much to catch up: the next start should not redo it.
    if (applied > 0 || reconciled) this.scheduleSave(applied > 100 ? 0 : undefined)
    return applied
  }

  /** Follows every later write of `noteText`; `onChange` runs after the index took one in. */
  follow(onChange: () => void = () => {}): void {
    if (this.stopFollowing) return
    this.onChange = onChange
    const table = `idb://${this.db.name}/noteText/`
    const written = (parts: ObservabilitySet) => {
      if (Object.keys(parts).some((part) => part.startsWith(table))) this.markStale()
    }
    Dexie.on.storagemutated.subscribe(written)
    this.stopFollowing = () => Dexie.on.storagemutated.unsubscribe(written)
    // What was written between opening and following.
    this.markStale()
  }

  private markStale(): void {
    const now = performance.now()
    const since = this.stale?.since ?? now
    if (this.stale) clearTimeout(this.stale.timer)
    const wait = Math.max(0, Math.min(this.options.followQuietMs ?? followQuietMs, since + followLongestMs - now))
    this.stale = { since, timer: setTimeout(() => void this.fresh(), wait) }
  }

  /** Brings the index up to every write seen so far; at once when nothing waits. */
  fresh(): Promise<void> {
    if (!this.stale) return this.reading
    clearTimeout(this.stale.timer)
    this.stale = undefined
    // One read at a time; a write during it marks the index stale again.
    this.reading = this.reading.then(async () => {
      try {
        // Read together, so the count matches the rows.
        const [rows, count] = await this.db.transaction("r", this.db.noteText, () =>
          Promise.all([changedSince(this.db, this.stamps), this.db.noteText.count()])
        )
        const applied = this.apply(rows) > 0
        const reconciled = count !== this.stamps.size && (await this.reconcile())
        if (applied || reconciled) {
          this.scheduleSave()
          this.onChange()
        }
      } catch {
        // The database closed (the workspace was left, or the page is going): nothing to follow.
      }
    })
    return this.reading
  }

  private scheduleSave(afterMs = this.options.saveAfterMs ?? 3000) {
    this.unsaved = true
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = setTimeout(() => void this.save(), afterMs)
  }

  /** Writes the index as it stands now, with the stamps it covers. */
  save(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    this.saving = this.saving.then(async () => {
      if (!this.unsaved) return
      this.unsaved = false
      // Taken at once, together: the stamps say exactly what the saved index holds.
      const row: SavedIndexRow = {
        name: savedName,
        format: searchIndexFormat,
        index: this.index.save(),
        stamped: [...this.stamps.keys()],
        stamps: Float64Array.from(this.stamps.values())
      }
      try {
        await savedIndexTable(this.db).put(row)
      } catch {
        // Not saved (a full disk, a closing database): the next start catches up from the rows.
        this.unsaved = true
      }
    })
    return this.saving
  }

  /** The stored search text of these notes, for snippets. */
  texts(ids: ReadonlyArray<string>): Promise<Array<NoteTextRow | undefined>> {
    return this.db.noteText.bulkGet([...ids])
  }

  close(): void {
    this.stopFollowing?.()
    this.stopFollowing = undefined
    if (this.stale) clearTimeout(this.stale.timer)
    this.stale = undefined
    if (this.saveTimer) clearTimeout(this.saveTimer)
  }
}
