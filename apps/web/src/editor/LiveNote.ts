/**
 * The open note's own Loro replica in this tab. The editor types into it; what other tabs and
 * the sync worker store is imported into it (a merge: the caret stays and nothing typed here
 * is lost), and so is what the sync worker has just pulled, before it is stored. Its own edits
 * leave as Loro updates, saved through the repository, never as a diff of the text.
 */
import { NoteKey, noteRoot, noteText, touchNote } from "@quire/schema"
import { LoroDoc, UndoManager, VersionVector, type LoroText } from "loro-crdt"
import type { DocRow } from "../data/QuireDb.js"

/** Commits with these origins are not the person's typing in the body: undo leaves them alone. */
export const titleOrigin = "quire:title"
const touchOrigin = "quire:touch"
/** An edit time older than this when saving is set again (ms). */
const staleStamp = 10_000
/**
 * A note this long (UTF-16 units) takes a save long enough to be felt between keystrokes:
 * its saves wait for a pause in typing, `quiet` ms, or at most `longestWait` ms.
 */
const largeNote = 100_000
const quiet = 400
const longestWait = 5_000

export class LiveNote {
  readonly doc = new LoroDoc()
  readonly title: LoroText
  readonly body: LoroText
  /** Undo and redo of this replica's body edits only: imports and the title are not its steps. */
  readonly undo: UndoManager
  /** How many of this replica's own operations the store already holds (its peer is new: none). */
  private savedCounter = 0
  /** The version the store held when this replica last read it: what came by other ways may not be stored yet. */
  private stored: VersionVector
  private touching = false
  private lastEdit = 0
  private wake: (() => void) | undefined
  private hurrying = false
  private readonly listeners = new Set<() => void>()
  private readonly stopLocal: () => void

  constructor(row: DocRow) {
    // Changes carry their time, so a note's history can say when each version was written.
    this.doc.setRecordTimestamp(true)
    this.importRow(row)
    this.stored = VersionVector.decode(row.version)
    this.title = noteText(this.doc, "title")
    this.body = noteText(this.doc, "body")
    this.doc.commit()
    this.undo = new UndoManager(this.doc, { mergeInterval: 1000, maxUndoSteps: 200, excludeOriginPrefixes: ["quire:"] })
    this.stopLocal = this.doc.subscribeLocalUpdates(() => {
      if (this.touching) return
      this.lastEdit = Date.now()
      // Listeners run once Loro and the editor are done with the edit, never inside them.
      queueMicrotask(() => this.listeners.forEach((listener) => listener()))
    })
  }

  /** Runs `listener` after every change of the document, local or imported. */
  onAnyChange(listener: () => void): () => void {
    return this.doc.subscribe(() => listener())
  }

  /** Runs `listener` after each local edit: the editor saves then. */
  onLocalEdit(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private ownCounter(): number {
    return this.doc.oplogVersion().get(this.doc.peerIdStr) ?? 0
  }

  private importRow(row: DocRow) {
    this.doc.import(row.snapshot)
    if (row.pending) this.doc.import(row.pending)
  }

  /** Takes in what is stored, unless this replica already holds all of it (its own saves come back this way). */
  absorb(row: DocRow): void {
    this.stored = VersionVector.decode(row.version)
    const held = this.doc.oplogVersion().compare(this.stored)
    if (!row.pending && (held === 0 || held === 1)) return
    this.importRow(row)
  }

  /** Takes in a change another device wrote, as the sync worker pulled it (not stored yet). */
  arrived(bytes: Uint8Array): void {
    this.doc.import(bytes)
  }

  /** Sets the note's edit time in the change being made; the caller commits. */
  stamp(now: number): void {
    touchNote(this.doc, now)
  }

  /**
   * This replica's operations the store does not hold yet, as one update, and how far it
   * reaches; `undefined` when there are none. Typing stamps the edit time in its own change;
   * an undo takes that stamp back too, so a stale one is set again here.
   */
  unsaved(now: number): { readonly update: Uint8Array; readonly counter: number } | undefined {
    if (this.ownCounter() === this.savedCounter) return undefined
    const stamped = this.doc.getMap(noteRoot).get(NoteKey.updatedAt)
    if (typeof stamped !== "number" || stamped < now - staleStamp) {
      this.touching = true
      try {
        this.stamp(now)
        this.doc.commit({ origin: touchOrigin })
      } finally {
        this.touching = false
      }
    }
    // Other peers' operations came from the store, or arrived from the sync worker just before
    // it stores them: ours are sent, and with them any of theirs the store did not hold when last
    // read, so the update never builds on operations the store lacks (a repeat is harmless).
    const from = this.stored.toJSON()
    if (this.savedCounter === 0) from.delete(this.doc.peerIdStr)
    else from.set(this.doc.peerIdStr, this.savedCounter)
    return { update: this.doc.export({ mode: "update", from: VersionVector.parseJSON(from) }), counter: this.ownCounter() }
  }

  /**
   * Before saving: for a large note, waits until typing pauses (or `longestWait` passed), so
   * the save's work falls between keystrokes instead of on them. Until the save ends the
   * editor says "Saving…" and leaving the page asks first; `hurry` ends the wait at once.
   */
  async settle(): Promise<void> {
    if (this.body.length < largeNote) return
    const started = Date.now()
    for (;;) {
      const [idle, waited] = [Date.now() - this.lastEdit, Date.now() - started]
      if (this.hurrying || idle >= quiet || waited >= longestWait) break
      await new Promise<void>((resolve) => {
        this.wake = resolve
        setTimeout(resolve, Math.min(quiet - idle, longestWait - waited))
      })
    }
    this.hurrying = false
  }

  /** The page is going away: saves wait no more. */
  hurry(): void {
    this.hurrying = true
    this.wake?.()
  }

  /** The store holds this replica's operations up to `counter`. */
  saved(counter: number): void {
    this.savedCounter = Math.max(this.savedCounter, counter)
  }

  close(): void {
    this.stopLocal()
    this.listeners.clear()
  }
}
