/** v3: the legacy single `content` text splits into `title` (its first line) and `body` (the rest). */
import { noteRoot, NoteKey } from "@quire/schema"
import { isContainer, type LoroText } from "loro-crdt"
import type { Migration } from "../Migration.js"
import { deterministicPeer, importDeterministicChange } from "../DeterministicChange.js"

export const legacyContentKey = "content"

export const splitContent = (content: string): { title: string; body: string } => {
  const newline = content.indexOf("\n")
  return newline === -1
    ? { title: content.trim(), body: "" }
    : { title: content.slice(0, newline).trim(), body: content.slice(newline + 1) }
}

export const v3SplitContent: Migration = {
  version: 3,
  name: "split content into title and body",
  up: (doc, { docId }) => {
    const map = doc.getMap(noteRoot)
    const legacy = map.get(legacyContentKey)
    const content =
      isContainer(legacy) && legacy.kind() === "Text" ? (legacy as LoroText).toString() : typeof legacy === "string" ? legacy : ""
    const { title, body } = splitContent(content)
    importDeterministicChange(doc, deterministicPeer(docId, "v3", content), (fresh) => {
      const freshMap = fresh.getMap(noteRoot)
      const titleText = freshMap.ensureMergeableText(NoteKey.title)
      const bodyText = freshMap.ensureMergeableText(NoteKey.body)
      if (title) titleText.insert(0, title)
      if (body) bodyText.insert(0, body)
    })
    if (legacy !== undefined) map.delete(legacyContentKey)
  }
}
