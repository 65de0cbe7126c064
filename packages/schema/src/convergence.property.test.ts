/** Random interleavings of edits and syncs on three devices always end in identical notes. */
import fc from "fast-check"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { dedupeTags, initNote, readNote, setBody, setPinned, setTags, setTitle, trashNote, restoreNote } from "./NoteDoc.js"

const devices = 3

const Edit = fc.oneof(
  fc.record({ kind: fc.constant("title" as const), device: fc.nat(devices - 1), text: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant("body" as const), device: fc.nat(devices - 1), text: fc.string({ maxLength: 30 }) }),
  fc.record({
    kind: fc.constant("tags" as const),
    device: fc.nat(devices - 1),
    tags: fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 4 })
  }),
  fc.record({ kind: fc.constant("pin" as const), device: fc.nat(devices - 1), on: fc.boolean() }),
  fc.record({ kind: fc.constant("trash" as const), device: fc.nat(devices - 1), on: fc.boolean() }),
  fc.record({ kind: fc.constant("sync" as const), from: fc.nat(devices - 1), to: fc.nat(devices - 1) })
)

const syncInto = (to: LoroDoc, from: LoroDoc) => {
  to.import(from.export({ mode: "update", from: to.oplogVersion() }))
}

describe("note documents under random concurrent edits", () => {
  it("converge once every device has seen every change, with tags de-duplicated", () => {
    fc.assert(
      fc.property(fc.array(Edit, { maxLength: 40 }), (edits) => {
        const origin = new LoroDoc()
        origin.setPeerId(1)
        initNote(origin, { title: "t", body: "b", tags: ["a"] }, 0)
        origin.commit()
        const replicas = Array.from({ length: devices }, (_, i) => {
          const doc = new LoroDoc()
          doc.setPeerId(100 + i)
          doc.import(origin.export({ mode: "snapshot" }))
          return doc
        })
        edits.forEach((edit, step) => {
          if (edit.kind === "sync") return syncInto(replicas[edit.to]!, replicas[edit.from]!)
          const doc = replicas[edit.device]!
          if (edit.kind === "title") setTitle(doc, edit.text, step)
          if (edit.kind === "body") setBody(doc, edit.text, step)
          if (edit.kind === "tags") setTags(doc, edit.tags, step)
          if (edit.kind === "pin") setPinned(doc, edit.on, step)
          if (edit.kind === "trash") (edit.on ? trashNote : restoreNote)(doc, step)
          doc.commit()
        })
        for (const to of replicas) for (const from of replicas) syncInto(to, from)
        // Each device cleans up duplicates it sees, then they meet again.
        for (const doc of replicas) if (dedupeTags(doc)) doc.commit()
        for (const to of replicas) for (const from of replicas) syncInto(to, from)
        const notes = replicas.map((doc) => readNote("n", doc))
        expect(notes[1]).toEqual(notes[0])
        expect(notes[2]).toEqual(notes[0])
        expect(new Set(notes[0]!.tags).size).toBe(notes[0]!.tags.length)
        expect(replicas[1]!.toJSON()).toEqual(replicas[0]!.toJSON())
        expect(replicas[2]!.toJSON()).toEqual(replicas[0]!.toJSON())
      }),
      { numRuns: 200 }
    )
  })
})
