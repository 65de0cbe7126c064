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

export const firstScreenOf = async (db: QuireDb): Promise<ReadonlyArray<NoteRow>> => {
  const [pinned, recent] = await Promise.all([
    db.notes
      .where("pinned")
      .equals(1)
      .filter((row) => row.trashed === 0)
      .toArray(),
    db.notes
      .orderBy("updatedAt")
      .reverse()
      .filter((row) => row.trashed === 0 && row.pinned === 0)
      .limit(firstScreenRows)
      .toArray()
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
        const [rows, total] = await Promise.all([firstScreenOf(db), listedCountOf(db)])
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
