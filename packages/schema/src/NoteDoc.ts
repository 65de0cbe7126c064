/**
 * Typed access to a note's Loro document. Every writer here leaves the change uncommitted;
 * the caller commits once per user edit, so one edit is one Loro change.
 */
import { isContainer, type LoroDoc, type LoroList, type LoroMap, type LoroText } from "loro-crdt"
import { clearAttachments } from "./Attachment.js"
import { normalizeTags, type Note } from "./Note.js"
import { currentSchemaVersion, NoteKey, noteRoot } from "./NoteLayout.js"

const root = (doc: LoroDoc): LoroMap => doc.getMap(noteRoot)
const title = (doc: LoroDoc): LoroText => root(doc).ensureMergeableText(NoteKey.title)
const body = (doc: LoroDoc): LoroText => root(doc).ensureMergeableText(NoteKey.body)
const tagList = (doc: LoroDoc): LoroList => root(doc).ensureMergeableList(NoteKey.tags)

const touch = (doc: LoroDoc, now: number) => root(doc).set(NoteKey.updatedAt, now)

/**
 * The note's title or body text, for an editor bound to it: its edits become operations on
 * exactly this container, never a diff of the whole note.
 */
export const noteText = (doc: LoroDoc, which: "title" | "body"): LoroText => (which === "title" ? title(doc) : body(doc))

/**
 * The notes this note's `[[links]]` were made for, by link text: a link keeps its target when
 * that note is renamed. Links typed by hand have no entry and are found by title.
 */
export const linkTargets = (doc: LoroDoc): Map<string, string> => {
  const value = root(doc).get(NoteKey.links)
  const map = isContainer(value) && value.kind() === "Map" ? (value as LoroMap) : undefined
  const targets = new Map<string, string>()
  for (const [text, id] of map?.entries() ?? []) if (typeof id === "string") targets.set(text, id)
  return targets
}

/** Binds the link text `text` to the note `id`; the caller commits (with the edit that inserts the link). */
export const setLinkTarget = (doc: LoroDoc, text: string, id: string): void => {
  root(doc).ensureMergeableMap(NoteKey.links).set(text, id)
}

/** Records that the note was edited at `now`, for edits made straight on its texts. */
export const touchNote = (doc: LoroDoc, now: number): void => touch(doc, now)

/**
 * Myers' diff by character without Loro's extra "refined" pass: the same minimal edits for
 * typing, at a fifteenth of the cost (an edit stays well under a millisecond).
 */
const characterDiff = { useRefinedDiff: false }

export interface NewNote {
  readonly title?: string
  readonly body?: string
  readonly tags?: ReadonlyArray<string>
  readonly pinned?: boolean
}

/** Lays out a fresh note. Call once, on the device that creates it. */
export const initNote = (doc: LoroDoc, init: NewNote, now: number): void => {
  const map = root(doc)
  map.set(NoteKey.schemaVersion, currentSchemaVersion)
  map.set(NoteKey.createdAt, now)
  map.set(NoteKey.pinned, init.pinned ?? false)
  map.set(NoteKey.trashed, false)
  if (init.title) title(doc).insert(0, init.title)
  else title(doc)
  if (init.body) body(doc).insert(0, init.body)
  else body(doc)
  const list = tagList(doc)
  for (const tag of normalizeTags(init.tags ?? [])) list.push(tag)
  touch(doc, now)
}

/** The child container at `key` if it is a text (or list); documents from older layouts may hold other values. */
const textAt = (map: LoroMap, key: string): LoroText | undefined => {
  const value = map.get(key)
  return isContainer(value) && value.kind() === "Text" ? (value as LoroText) : undefined
}

const listAt = (map: LoroMap, key: string): LoroList | undefined => {
  const value = map.get(key)
  return isContainer(value) && value.kind() === "List" ? (value as LoroList) : undefined
}

const readText = (map: LoroMap, key: string): string => textAt(map, key)?.toString() ?? ""

const readTags = (map: LoroMap): Array<string> =>
  normalizeTags((listAt(map, NoteKey.tags)?.toArray() ?? []).filter((tag): tag is string => typeof tag === "string"))

const readNumber = (map: LoroMap, key: string, fallback: number): number => {
  const value = map.get(key)
  return typeof value === "number" ? value : fallback
}

/** The document's schema version; documents from before versions were recorded count as 1. */
export const schemaVersionOf = (doc: LoroDoc): number => readNumber(root(doc), NoteKey.schemaVersion, 1)

export const readNote = (id: string, doc: LoroDoc): Note => {
  const map = root(doc)
  const createdAt = readNumber(map, NoteKey.createdAt, 0)
  return {
    id,
    title: readText(map, NoteKey.title),
    body: readText(map, NoteKey.body),
    tags: readTags(map),
    pinned: map.get(NoteKey.pinned) === true,
    trashed: map.get(NoteKey.trashed) === true,
    deleted: map.get(NoteKey.deleted) === true,
    createdAt,
    updatedAt: readNumber(map, NoteKey.updatedAt, createdAt),
    schemaVersion: schemaVersionOf(doc)
  }
}

/** Replaces the title with `text` as a minimal diff, so concurrent edits merge by character. */
export const setTitle = (doc: LoroDoc, text: string, now: number): void => {
  title(doc).update(text, characterDiff)
  touch(doc, now)
}

export const setBody = (doc: LoroDoc, text: string, now: number): void => {
  body(doc).update(text, characterDiff)
  touch(doc, now)
}

/** Makes the tag set equal `tags`: removes every copy of a dropped tag, appends new ones. */
export const setTags = (doc: LoroDoc, tags: ReadonlyArray<string>, now: number): void => {
  const wanted = normalizeTags(tags)
  const list = tagList(doc)
  const current = list.toArray()
  for (let i = current.length - 1; i >= 0; i--) {
    if (!wanted.includes(current[i] as string)) list.delete(i, 1)
  }
  const kept = new Set(list.toArray())
  for (const tag of wanted) if (!kept.has(tag)) list.push(tag)
  touch(doc, now)
}

/**
 * What a person changed in a tag field: the tags added and removed relative to the list the
 * field showed (`shown`), whatever other devices did to the note since.
 */
export const tagEditOf = (shown: ReadonlyArray<string>, typed: ReadonlyArray<string>) => {
  const [before, after] = [normalizeTags(shown), normalizeTags(typed)]
  return { add: after.filter((tag) => !before.includes(tag)), remove: before.filter((tag) => !after.includes(tag)) }
}

/**
 * Applies a tag edit as list operations: removes every copy of each removed tag, appends each
 * added one not there yet. Tags other devices added or kept stay, unlike a whole-list replace.
 */
export const editTags = (
  doc: LoroDoc,
  edit: { readonly add: ReadonlyArray<string>; readonly remove: ReadonlyArray<string> },
  now: number
): void => {
  const list = tagList(doc)
  const current = list.toArray()
  for (let i = current.length - 1; i >= 0; i--) {
    if (edit.remove.includes(current[i] as string)) list.delete(i, 1)
  }
  const kept = new Set(list.toArray())
  for (const tag of normalizeTags(edit.add)) if (!kept.has(tag)) list.push(tag)
  touch(doc, now)
}

export const setPinned = (doc: LoroDoc, pinned: boolean, now: number): void => {
  root(doc).set(NoteKey.pinned, pinned)
  touch(doc, now)
}

export const trashNote = (doc: LoroDoc, now: number): void => {
  root(doc).set(NoteKey.trashed, true)
  touch(doc, now)
}

export const restoreNote = (doc: LoroDoc, now: number): void => {
  root(doc).set(NoteKey.trashed, false)
  touch(doc, now)
}

/** "Delete forever": clears the content on every device and marks the note deleted. */
export const deleteNoteForever = (doc: LoroDoc, now: number): void => {
  title(doc).update("", characterDiff)
  body(doc).update("", characterDiff)
  setTags(doc, [], now)
  clearAttachments(doc)
  root(doc).set(NoteKey.deleted, true)
  touch(doc, now)
}

/**
 * Removes duplicate tags, keeping each tag's first copy. Two devices that merged the same
 * list see the same order, so they delete the same copies: running this anywhere converges.
 * Returns whether it changed anything (the caller then commits and syncs the change).
 */
/** Whether the tag list holds an item twice: what `dedupeTags` would change. */
export const hasDuplicateTags = (doc: LoroDoc): boolean => {
  const items = listAt(root(doc), NoteKey.tags)?.toArray() ?? []
  return new Set(items).size !== items.length
}

export const dedupeTags = (doc: LoroDoc): boolean => {
  const list = listAt(root(doc), NoteKey.tags)
  if (list === undefined) return false
  const items = list.toArray()
  const seen = new Set<unknown>()
  const duplicates: Array<number> = []
  items.forEach((item, index) => (seen.has(item) ? duplicates.push(index) : seen.add(item)))
  for (const index of duplicates.reverse()) list.delete(index, 1)
  return duplicates.length > 0
}

export { currentSchemaVersion }
