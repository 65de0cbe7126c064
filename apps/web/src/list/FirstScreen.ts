/**
 * The notes the list shows before it has read them all: every pinned note and the most
 * recently updated others, read through the `updatedAt` index (a cursor over a few dozen rows,
 * not all of them). In the list's order, so the full list continues it without a jump.
 */
import { DeviceRegistry } from "../data/DeviceRegistry.js"
import { sortNotes } from "../data/NoteIndex.js"
import type { NoteRow, QuireDb } from "../data/QuireDb.js"
import { listedCountOf } from "./ListedNotes.js"

/** More than a tall screen holds. */
const firstScreenRows = 40

/** The rows the first screen takes after the pinned ones. */
const recentKind = (row: NoteRow) => row.trashed === 0 && row.pinned === 0

const recentOf = (db: QuireDb): Promise<Array<NoteRow>> =>
  db.notes.orderBy("updatedAt").reverse().filter(recentKind).limit(firstScreenRows).toArray()

/** Newest rows read at once, for a few pinned or trashed among them. */
const recentRead = firstScreenRows * 3

type BackwardsIndex = IDBIndex & {
  getAllRecords?: (options: { count: number; direction: IDBCursorDirection }) => IDBRequest<Array<{ readonly value: NoteRow }>>
}

/**
 * The same rows in one request, where the browser reads an index backwards with
 * `getAllRecords` (Chromium 141 on): a backwards cursor took 50–110 ms for them on a cold start
 * at 10,000 notes, this 1–3 ms. Outside Dexie, so not for a live query (Dexie would not see
 * the read). `undefined` where it cannot answer alone.
 */
const recentInOneRequest = async (db: QuireDb): Promise<Array<NoteRow> | undefined> => {
  await db.open()
  const index: BackwardsIndex = db.backendDB().transaction("notes", "readonly").objectStore("notes").index("updatedAt")
  if (index.getAllRecords === undefined) return undefined
  const request = index.getAllRecords({ count: recentRead, direction: "prev" })
  const records = await new Promise<Array<{ readonly value: NoteRow }>>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error("could not read the newest notes"))
  })
  const recent = records.map((record) => record.value).filter(recentKind)
  // So many pinned or trashed among the newest that the screen is not full: the cursor reads on.
  return recent.length >= firstScreenRows || records.length < recentRead ? recent.slice(0, firstScreenRows) : undefined
}

/** `oneRequest`: read outside Dexie where the browser can (for the read as the script runs, not a live query). */
export const firstScreenOf = async (db: QuireDb, oneRequest = false): Promise<ReadonlyArray<NoteRow>> => {
  const [pinned, recent] = await Promise.all([
    db.notes
      .where("pinned")
      .equals(1)
      .filter((row) => row.trashed === 0)
      .toArray(),
    (oneRequest ? recentInOneRequest(db) : Promise.resolve(undefined)).then((rows) => rows ?? recentOf(db))
  ])
  return [...sortNotes(pinned), ...recent]
}

export interface EarlyFirstScreen {
  readonly databaseName: string
  readonly rows: ReadonlyArray<NoteRow>
  readonly total: number
}

let early: EarlyFirstScreen | undefined
const listeners = new Set<() => void>()

/**
 * Reads the first screen of the device's current workspace as the app's script runs, while the
 * tab is still reading which workspace is open and starting its session: the list can paint
 * with its first render instead of asking then. Its own short-lived connection; the list's live
 * queries replace what it read as soon as they answer.
 */
export const readFirstScreenEarly = (): void => {
  if (typeof indexedDB === "undefined") return
  const registry = new DeviceRegistry()
  void registry
    .current()
    .then(async (workspaceId) => {
      registry.close()
      if (workspaceId === undefined) return
      const db = registry.open(workspaceId)
      try {
        const [rows, total] = await Promise.all([firstScreenOf(db, true), listedCountOf(db)])
        early = { databaseName: db.name, rows, total }
        for (const listener of listeners) listener()
      } finally {
        db.close()
      }
    })
    .catch(() => {
      // Only a head start: the list reads the same rows through its own connection.
    })
}

export const subscribeEarlyFirstScreen = (listener: () => void) => {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export const earlyFirstScreen = (): EarlyFirstScreen | undefined => early

/** Once the list's own queries have answered: a later visit to the list must not start from what the tab read at start. */
export const forgetEarlyFirstScreen = (): void => {
  if (early === undefined) return
  early = undefined
  for (const listener of listeners) listener()
}
