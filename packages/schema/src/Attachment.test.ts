import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { attachmentLinksOf, attachmentMarkdown, attachmentsOf, putAttachment, type AttachmentManifest } from "./Attachment.js"
import { NoteKey, noteRoot } from "./NoteLayout.js"
import { deleteNoteForever, initNote } from "./NoteDoc.js"

const manifest = (fileId: string, name = `${fileId}.png`): AttachmentManifest => ({
  fileId,
  name,
  type: "image/png",
  size: 3,
  sha256: "ab".repeat(32),
  chunks: [`chunk-${fileId}`]
})

const device = (peer: number, from?: LoroDoc) => {
  const doc = new LoroDoc()
  doc.setPeerId(peer)
  if (from) doc.import(from.export({ mode: "snapshot" }))
  return doc
}

describe("attachments of a note", () => {
  it("keeps files added on two devices at once, before either had the attachments map", () => {
    const a = device(1)
    initNote(a, { title: "Trip" }, 1)
    a.commit()
    const b = device(2, a)
    putAttachment(a, manifest("one"))
    a.commit()
    putAttachment(b, manifest("two"))
    b.commit()
    a.import(b.export({ mode: "update" }))
    b.import(a.export({ mode: "update" }))
    expect(attachmentsOf(a).map((m) => m.fileId)).toEqual(["one", "two"])
    expect(attachmentsOf(b)).toEqual(attachmentsOf(a))
    expect(attachmentsOf(a)[0]).toEqual(manifest("one"))
  })

  it("skips entries that are not manifests instead of failing the note", () => {
    const doc = device(1)
    initNote(doc, {}, 1)
    putAttachment(doc, manifest("good"))
    doc.getMap(noteRoot).ensureMergeableMap(NoteKey.attachments).set("odd", { fileId: "odd", size: "large" })
    doc.commit()
    expect(attachmentsOf(doc).map((m) => m.fileId)).toEqual(["good"])
  })

  it("drops every manifest when the note is deleted forever, so its chunks are no longer referenced", () => {
    const doc = device(1)
    initNote(doc, { body: "![a](attachment:one)" }, 1)
    putAttachment(doc, manifest("one"))
    doc.commit()
    deleteNoteForever(doc, 2)
    doc.commit()
    expect(attachmentsOf(doc)).toEqual([])
  })

  it("writes images as embeds and other files as links, and finds them again in a body", () => {
    const image = attachmentMarkdown({ fileId: "img1", name: "cat [1].png", type: "image/png" })
    const file = attachmentMarkdown({ fileId: "pdf-2", name: "report.pdf", type: "application/pdf" })
    expect(image).toBe("![cat  1 .png](attachment:img1)")
    expect(file).toBe("[report.pdf](attachment:pdf-2)")
    expect(attachmentLinksOf(`see ${image} and ${file}`)).toEqual(["img1", "pdf-2"])
  })
})
