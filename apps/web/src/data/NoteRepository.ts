/** What the UI calls to change notes. Every call resolves once the edit is durable on the device. */
import {
  deleteNoteForever,
  initNote,
  restoreNote,
  setBody,
  setPinned,
  setTags,
  setTitle,
  trashNote,
  type NewNote,
  type Note
} from "@quire/schema"
import type { DocStore } from "./DocStore.js"

export class NoteRepository {
  constructor(private readonly store: DocStore) {}

  async create(init: NewNote = {}): Promise<string> {
    const id = crypto.randomUUID()
    await this.store.change(id, (doc, now) => initNote(doc, init, now))
    return id
  }

  setTitle = (id: string, title: string) => this.store.change(id, (doc, now) => setTitle(doc, title, now))
  setBody = (id: string, body: string) => this.store.change(id, (doc, now) => setBody(doc, body, now))
  setTags = (id: string, tags: ReadonlyArray<string>) => this.store.change(id, (doc, now) => setTags(doc, tags, now))
  setPinned = (id: string, pinned: boolean) => this.store.change(id, (doc, now) => setPinned(doc, pinned, now))
  trash = (id: string) => this.store.change(id, (doc, now) => trashNote(doc, now))
  restore = (id: string) => this.store.change(id, (doc, now) => restoreNote(doc, now))
  deleteForever = (id: string) => this.store.change(id, (doc, now) => deleteNoteForever(doc, now))

  read = (id: string): Promise<Note | undefined> => this.store.read(id)
}
