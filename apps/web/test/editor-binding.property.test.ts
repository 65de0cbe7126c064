/**
 * The editor's Loro side, on two devices editing one note at once: each device's editor
 * replica (LiveNote) types into the body through the binding's view of the document
 * (ScopedDoc, as loro-codemirror does), edits the title as text splices, and the tag field
 * edits tags through the repository; saves, syncs and stored changes arrive in any order.
 * Title, tags and body never leak into each other, what each editor shows never drifts from
 * the text it is bound to, and both devices end identical.
 */
import { readNote, type Note } from "@quire/schema"
import { generateWorkspaceKey } from "@quire/shared"
import { Effect } from "effect"
import fc from "fast-check"
import type { Delta, LoroText } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { QuireDb } from "../src/data/QuireDb.js"
import { LiveNote, titleOrigin } from "../src/editor/LiveNote.js"
import { scopedTo } from "../src/editor/ScopedDoc.js"
import { applySplice, spliceOf } from "../src/editor/TextSplice.js"

/** A text as an editor shows it: changed by the person directly, and by the events the binding receives. */
const applyDelta = (shown: string, delta: ReadonlyArray<Delta<string>>) => {
  let out = ""
  let at = 0
  for (const op of delta) {
    if (op.retain !== undefined) {
      out += shown.slice(at, at + op.retain)
      at += op.retain
    } else if (op.insert !== undefined) out += op.insert
    else if (op.delete !== undefined) at += op.delete
  }
  return out + shown.slice(at)
}

interface Device {
  readonly db: QuireDb
  readonly notes: NoteRepository
  readonly live: LiveNote
  readonly shown: { body: string; title: string }
  readonly bodyDoc: ReturnType<typeof scopedTo>
}

let counter = 0

const openDevice = async (id: string, snapshot: Uint8Array | undefined, seedTitle?: string): Promise<Device> => {
  const db = new QuireDb(`quire-binding-${process.pid}-${++counter}`)
  const notes = new NoteRepository(new DocStore(db, await Effect.runPromise(generateWorkspaceKey)))
  if (snapshot) await notes.importDocument(id, snapshot)
  else await notes.create({ title: seedTitle ?? "", body: "" })
  const noteId = snapshot ? id : (await db.docs.toCollection().first())!.id
  const live = new LiveNote((await db.docs.get(noteId))!)
  const shown = { body: live.body.toString(), title: live.title.toString() }
  const bodyDoc = scopedTo(live.doc, live.body.id, () => live.stamp(1))
  // What the body editor receives: only the body's events (loro-codemirror skips local ones).
  bodyDoc.subscribe((batch) => {
    if (batch.by === "local" && batch.origin !== "undo") return
    for (const event of batch.events) if (event.diff.type === "text") shown.body = applyDelta(shown.body, event.diff.diff)
  })
  live.title.subscribe((batch) => {
    if (batch.by === "local") return
    for (const event of batch.events) if (event.diff.type === "text") shown.title = applyDelta(shown.title, event.diff.diff)
  })
  return { db, notes, live, shown, bodyDoc }
}

const noteIdOf = async (device: Device) => (await device.db.docs.toCollection().first())!.id

type Action =
  | { readonly kind: "body"; readonly device: number; readonly at: number; readonly cut: number; readonly text: string }
  | { readonly kind: "title"; readonly device: number; readonly at: number; readonly cut: number; readonly text: string }
  | { readonly kind: "tags"; readonly device: number; readonly add: string; readonly remove: number }
  | { readonly kind: "save"; readonly device: number }
  | { readonly kind: "sync"; readonly device: number }
  | { readonly kind: "undo"; readonly device: number }

const device = fc.nat(1)
const Action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant("body" as const),
    device,
    at: fc.nat(),
    cut: fc.nat(3),
    text: fc.stringMatching(/^[a-z\n]{0,6}$/)
  }),
  fc.record({ kind: fc.constant("title" as const), device, at: fc.nat(), cut: fc.nat(2), text: fc.stringMatching(/^[0-9]{0,3}$/) }),
  fc.record({ kind: fc.constant("tags" as const), device, add: fc.stringMatching(/^[A-Z]{1,3}$/), remove: fc.nat(3) }),
  fc.record({ kind: fc.constant("save" as const), device }),
  fc.record({ kind: fc.constant("sync" as const), device }),
  fc.record({ kind: fc.constant("undo" as const), device })
)

const save = async (at: Device) => {
  const edits = at.live.unsaved(Date.now())
  if (!edits) return
  await at.notes.saveEditorUpdate(await noteIdOf(at), edits.update)
  at.live.saved(edits.counter)
}

/** `from`'s stored note reaches `to`'s store (as a pulled change would), and `to`'s editor takes it in. */
const sync = async (from: Device, to: Device) => {
  const id = await noteIdOf(from)
  const row = (await from.db.docs.get(id))!
  await (to.notes as unknown as { store: DocStore }).store.applyRemote([{ docId: id, bytes: row.snapshot }])
  to.live.absorb((await to.db.docs.get(id))!)
}

const run = async (device: Device, other: Device, action: Action) => {
  switch (action.kind) {
    case "body": {
      // As the binding applies a keystroke: text operations, then its commit.
      const text: LoroText = device.live.body
      const at = action.at % (text.length + 1)
      const cut = Math.min(action.cut, text.length - at)
      if (cut > 0) text.delete(at, cut)
      if (action.text) text.insert(at, action.text)
      device.bodyDoc.commit()
      device.shown.body = device.shown.body.slice(0, at) + action.text + device.shown.body.slice(at + cut)
      return
    }
    case "title": {
      const before = device.shown.title
      const at = action.at % (before.length + 1)
      const after = before.slice(0, at) + action.text + before.slice(Math.min(before.length, at + action.cut))
      applySplice(device.live.title, spliceOf(before, after, at + action.text.length))
      device.live.stamp(2)
      device.live.doc.commit({ origin: titleOrigin })
      device.shown.title = after
      return
    }
    case "tags": {
      const id = await noteIdOf(device)
      const shown = (await device.db.notes.get(id))!.tags
      await device.notes.editTags(id, shown, [...shown.filter((_, i) => i !== action.remove), action.add])
      device.live.absorb((await device.db.docs.get(id))!)
      return
    }
    case "save":
      return save(device)
    case "sync":
      await save(device)
      return sync(device, other)
    case "undo":
      device.live.undo.undo()
      return
  }
}

describe("the editor's binding to a note's Loro document", () => {
  it("keeps title, tags and body apart under concurrent edits, never drifts, and converges", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Action, { minLength: 1, maxLength: 30 }), async (actions) => {
        const a = await openDevice("", undefined, "1")
        const id = await noteIdOf(a)
        const b = await openDevice(id, (await a.db.docs.get(id))!.snapshot)
        const devices = [a, b] as const
        for (const action of actions) {
          const [device, other] = action.device === 0 ? [a, b] : [b, a]
          await run(device, other, action)
          for (const d of devices) {
            expect(d.shown.body).toBe(d.live.body.toString())
            expect(d.shown.title).toBe(d.live.title.toString())
          }
        }
        // Everything typed is saved, then both devices exchange what they stored.
        await save(a)
        await save(b)
        await sync(a, b)
        await sync(b, a)
        await sync(a, b)
        const notes: Array<Note> = []
        for (const d of devices) {
          const stored = (await d.notes.read(id))!
          notes.push(stored)
          expect(readNote(id, d.live.doc)).toMatchObject({ title: stored.title, body: stored.body, tags: stored.tags })
          expect(d.shown.body).toBe(stored.body)
          expect(d.shown.title).toBe(stored.title)
        }
        expect(notes[0]).toEqual(notes[1])
        expect(notes[0]!.body).toMatch(/^[a-z\n]*$/)
        expect(notes[0]!.title).toMatch(/^[0-9]*$/)
        expect(notes[0]!.tags.every((tag) => /^[A-Z]+$/.test(tag))).toBe(true)
        for (const d of devices) d.db.close()
      }),
      { numRuns: 60 }
    )
  })
})
