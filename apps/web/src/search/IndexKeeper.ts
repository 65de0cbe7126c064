/**
 * Keeps a SearchIndex in step with the `noteText` table, incrementally, and saves it in
 * `searchIndex` so a start loads it instead of rebuilding it:
 * - at start: the saved index, then only the rows stamped since its newest note (TextStamp),
 *   then the ids compared, for notes deleted (or written unstamped) meanwhile;
 * - while running: a live query of the rows stamped since, which Dexie re-runs whenever any
 *   context (a tab, the sync worker) writes one; a save after a quiet moment.
 * Nothing is lost by a save that never happens: the next start catches up from the rows.
 */
import { liveQuery, type Subscription } from "dexie"
import type { NoteTextRow, QuireDb } from "../data/QuireDb.js"
import { SearchIndex, searchIndexFormat, type SearchDoc } from "./SearchIndex.js"

const savedName = "notes"

/**
 * Rows stamped this long before the newest indexed one are read again: two contexts' writes
 * can commit in another order than their stamps, by at most a transaction's time.
 */
const stampSlackMs = 10_000

/** Where the start's time went, in milliseconds. */
export interface OpenTimings {
  readonly readMs: number
  readonly loadMs: number
  readonly catchUpMs: number
  /** Notes indexed at start because they changed (or all of them, when nothing was saved). */
  readonly caughtUp: number
}

export interface KeeperOptions {
  /** Quiet time after a change before the index is saved. */
  readonly saveAfterMs?: number
}

/** The row as the index takes it: the title is the first line (see NoteIndex.searchTextOf). */
export const searchDocOf = (row: NoteTextRow): SearchDoc => {
  const lineEnd = row.text.indexOf("\n")
  return lineEnd < 0
    ? { id: row.id, title: row.text, body: "" }
    : { id: row.id, title: row.text.slice(0, lineEnd), body: row.text.slice(lineEnd + 1) }
}

export class IndexKeeper {
  private subscription: Subscription | undefined
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
    const saved = await db.searchIndex.get(savedName)
    const read = performance.now()
    let keeper: IndexKeeper | undefined
    if (saved?.format === searchIndexFormat) {
      try {
        keeper = new IndexKeeper(db, SearchIndex.fromJSON(saved.json), new Map(Object.entries(saved.stamps)), options)
      } catch {
        // An unreadable save is rebuilt from the rows, which are the truth.
      }
    }
    keeper ??= new IndexKeeper(db, SearchIndex.empty(), new Map(), options)
    const loaded = performance.now()
    const caughtUp = await keeper.catchUp()
    keeper.timings = { readMs: read - started, loadMs: loaded - read, catchUpMs: performance.now() - loaded, caughtUp }
    return keeper
  }

  private newest(): number {
    let newest = -Infinity
    for (const at of this.stamps.values()) if (at > newest) newest = at
    return newest
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

  /**
   * The rows written since the index last looked: those stamped after its newest note, and,
   * if the count of rows stamped in the slack before it is not what the index holds there, those
   * too (a write that committed late). Reading every row of that window each time would cost a
   * whole-table read after a large pull.
   */
  private async changedSince(): Promise<Array<NoteTextRow>> {
    const newest = this.newest()
    const newer = await this.db.noteText.where("at").above(newest).toArray()
    if (newest === -Infinity) return newer
    const windowStart = newest - stampSlackMs
    let held = 0
    for (const at of this.stamps.values()) if (at > windowStart && at <= newest) held++
    const window = this.db.noteText.where("at").between(windowStart, newest, false, true)
    return (await window.count()) === held ? newer : [...(await window.toArray()), ...newer]
  }

  private async catchUp(): Promise<number> {
    const applied = this.apply(this.stamps.size === 0 ? await this.db.noteText.toArray() : await this.changedSince())
    // Ids are compared only when the count differs: a deletion matched by an addition leaves a
    // stale entry until the next change of count, which the list drops (it has no row).
    const reconciled = (await this.db.noteText.count()) !== this.stamps.size && (await this.reconcile())
    // Saved soon after a start that had much to catch up: the next start should not redo it.
    if (applied > 0 || reconciled) this.scheduleSave(applied > 100 ? 0 : undefined)
    return applied
  }

  /** Follows every later write of `noteText`; `onChange` runs after the index took one in. */
  follow(onChange: () => void = () => {}): void {
    this.subscription ??= liveQuery(async () => ({ rows: await this.changedSince(), count: await this.db.noteText.count() })).subscribe({
      next: ({ rows, count }) => {
        void (async () => {
          const applied = this.apply(rows) > 0
          const reconciled = count !== this.stamps.size && (await this.reconcile())
          if (applied || reconciled) {
            this.scheduleSave()
            onChange()
          }
        })()
      },
      error: () => {
        // The database closed (the workspace was left, or the page is going): nothing to follow.
      }
    })
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
      // Serialized at once, together: the stamps say exactly what the JSON holds.
      const row = { name: savedName, format: searchIndexFormat, json: this.index.toJSON(), stamps: Object.fromEntries(this.stamps) }
      try {
        await this.db.searchIndex.put(row)
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
    this.subscription?.unsubscribe()
    this.subscription = undefined
    if (this.saveTimer) clearTimeout(this.saveTimer)
  }
}
