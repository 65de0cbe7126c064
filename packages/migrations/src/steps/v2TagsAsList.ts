/** v2: tags become a list of strings; v1 kept them as one comma-separated string. */
import { noteRoot, NoteKey, normalizeTags } from "@quire/schema"
import type { Migration } from "../Migration.js"
import { deterministicPeer, importDeterministicChange } from "../DeterministicChange.js"

export const v2TagsAsList: Migration = {
  version: 2,
  name: "tags as a list",
  up: (doc, { docId }) => {
    const map = doc.getMap(noteRoot)
    const legacy = map.get(NoteKey.tags)
    if (typeof legacy !== "string") return
    const tags = normalizeTags(legacy.split(","))
    map.delete(NoteKey.tags)
    map.ensureMergeableList(NoteKey.tags)
    if (tags.length === 0) return
    importDeterministicChange(doc, deterministicPeer(docId, "v2", legacy), (fresh) => {
      const list = fresh.getMap(noteRoot).ensureMergeableList(NoteKey.tags)
      tags.forEach((tag, i) => list.insert(i, tag))
    })
  }
}
