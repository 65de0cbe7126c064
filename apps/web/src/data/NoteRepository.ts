/** What the UI calls to change notes. Every call resolves once the edit is durable on the device. */
import {
  deleteNoteForever,
  editTags,
  initNote,
  noteText,
  restoreNote,
  setBody,
  setPinned,
  setTags,
  readNote,
  setTitle,
  tagEditOf,
  trashNote,
  type NewNote,
  type Note
} from "@quire/schema"
import { Limits } from "@quire/shared"
import type { LoroDoc } from "loro-crdt"
import type { DocStore, NoteVersion } from "./DocStore.js"

/** A note's text past `Limits.maxNoteTextBytes`: refused before it is stored, with what to do instead. */
export class NoteTooLarge extends Error {
  override readonly name = "NoteTooLarge"
}

const utf8 = new TextEncoder()

const checkSize = (title: string, body: string) => {
  const bytes = utf8.encode(title).length + utf8.encode(body).length
  if (bytes > Limits.maxNoteTextBytes) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
    throw new NoteTooLarge(
      `This note would hold ${mb(bytes)} MB of text; a note holds at most ${mb(Limits.maxNoteTextBytes)} MB. Split it, or attach large content as a file.`
    )
  }
}

/** The size check for texts edited in place: exact only when the note could be near the limit. */
const checkTextSize = (doc: LoroDoc) => {
  const [title, body] = [noteText(doc, "title"), noteText(doc, "body")]
  // A UTF-16 unit is at most 3 bytes of UTF-8.
  if ((title.length + body.length) * 3 > Limits.maxNoteTextBytes) checkSize(title.toString(), body.toString())
}

export class NoteRepository {
  /**
   * `onChange` runs after every saved edit the store did not hand off itself (an edit after a
   * pause goes to the sync leader with its bytes): the tab tells the leader to push.
   */
  constructor(
    private readonly store: DocStore,
    private readonly onChange: () => void = () => {}
  ) {}

  private async change(id: string, mutate: (doc: LoroDoc, now: number) => void) {
    if (!(await this.store.change(id, mutate))) this.onChange()
  }

  async create(init: NewNote = {}): Promise<string> {
    const id = crypto.randomUUID()
    await this.change(id, (doc, now) => {
      checkSize(init.title ?? "", init.body ?? "")
      initNote(doc, init, now)
    })
    return id
  }

  setTitle = (id: string, title: string) =>
    this.change(id, (doc, now) => {
      checkSize(title, readNote(id, doc).body)
      setTitle(doc, title, now)
    })
  setBody = (id: string, body: string) =>
    this.change(id, (doc, now) => {
      checkSize(readNote(id, doc).title, body)
      setBody(doc, body, now)
    })
  /**
   * Edits made in an editor's own replica of the note, as the Loro update it exported: its
   * operations are stored as they were typed, so nothing is diffed and nobody's text is undone.
   */
  saveEditorUpdate = async (id: string, update: Uint8Array) => {
    if (!(await this.store.importLocal(id, update, checkTextSize))) this.onChange()
  }
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
