/** What the UI calls to change notes. Every call resolves once the edit is durable on the device. */
import {
  deleteNoteForever,
  editTags,
  initNote,
  restoreNote,
  setBody,
  setPinned,
  setTags,
  setTitle,
  tagEditOf,
  trashNote,
  type NewNote,
  type Note
} from "@quire/schema"
import type { LoroDoc } from "loro-crdt"
import type { DocStore, NoteVersion } from "./DocStore.js"

export class NoteRepository {
  /** `onChange` runs after every saved edit: the tab tells the sync leader to push. */
  constructor(
    private readonly store: DocStore,
    private readonly onChange: () => void = () => {}
  ) {}

  private async change(id: string, mutate: (doc: LoroDoc, now: number) => void) {
    await this.store.change(id, mutate)
    this.onChange()
  }

  async create(init: NewNote = {}): Promise<string> {
    const id = crypto.randomUUID()
    await this.change(id, (doc, now) => initNote(doc, init, now))
    return id
  }

  setTitle = (id: string, title: string) => this.change(id, (doc, now) => setTitle(doc, title, now))
  setBody = (id: string, body: string) => this.change(id, (doc, now) => setBody(doc, body, now))
  setTags = (id: string, tags: ReadonlyArray<string>) => this.change(id, (doc, now) => setTags(doc, tags, now))
  /** The tag field's edit: what was added and removed relative to the tags it showed, as list operations. */
  editTags = (id: string, shown: ReadonlyArray<string>, typed: ReadonlyArray<string>) =>
    this.change(id, (doc, now) => editTags(doc, tagEditOf(shown, typed), now))
  setPinned = (id: string, pinned: boolean) => this.change(id, (doc, now) => setPinned(doc, pinned, now))
  trash = (id: string) => this.change(id, (doc, now) => trashNote(doc, now))
  restore = (id: string) => this.change(id, (doc, now) => restoreNote(doc, now))
  deleteForever = (id: string) => this.change(id, (doc, now) => deleteNoteForever(doc, now))

  read = (id: string): Promise<Note | undefined> => this.store.read(id)
  history = (id: string): Promise<Array<NoteVersion>> => this.store.history(id)

  /** Brings back a past version as a new edit: the history itself is kept. */
  restoreVersion = (id: string, version: Note) =>
    this.change(id, (doc, now) => {
      setTitle(doc, version.title, now)
      setBody(doc, version.body, now)
      setTags(doc, version.tags, now)
      setPinned(doc, version.pinned, now)
    })

  /** Adds a whole document from an export; it syncs like a local edit. */
  importDocument = (id: string, snapshot: Uint8Array) => this.change(id, (doc) => void doc.import(snapshot))

  /** Every document's snapshot, for exporting the workspace. */
  snapshots = () => this.store.allSnapshots()
}
