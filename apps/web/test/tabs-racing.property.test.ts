/**
 * Tabs editing one note at once, each through its own store and connection, while a push
 * freezes entries and the server acknowledges them at any moment: each edit merges in what
 * another tab stored first (DocStore) and folds only into an entry still open (OutboxFold),
 * so no edit is lost, neither in the stored note nor in what goes to the server.
 */
import { noteText, readNote } from "@quire/schema"
import { decodeEnvelope, generateWorkspaceKey, openBlob } from "@quire/shared"
import { Effect, Either } from "effect"
import fc from "fast-check"
import { LoroDoc } from "loro-crdt"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import type { HandedEntry } from "../src/data/OutboxFold.js"
import { QuireDb } from "../src/data/QuireDb.js"

/**
 * One step of a run: a tab types a word; a push starts (freezing whatever waits in the outbox);
 * or the server acknowledges what was frozen (the entries leave the outbox).
 */
type Step =
  | { readonly kind: "type"; readonly tab: number; readonly afterPause: boolean }
  | { readonly kind: "freeze" }
  | { readonly kind: "acknowledge" }

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("type" as const), tab: fc.nat(2), afterPause: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "freeze" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "acknowledge" as const }) }
)

/** Runs of steps; the steps of one group are started together, so their transactions race. */
const runs = fc.array(fc.array(step, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })

let counter = 0

describe("tabs racing on one note", () => {
  it("loses no edit of tabs typing into one note at once, whatever a push freezes meanwhile", async () => {
    const key = await Effect.runPromise(generateWorkspaceKey)
    let handOffs = 0
    await fc.assert(
      fc.asyncProperty(runs, async (groups) => {
        const name = `quire-tabs-racing-${process.pid}-${++counter}`
        // Each tab has its own connection and its own clock: a pause is a jump of its clock.
        const clocks = [0, 0, 0]
        const handed: Array<HandedEntry> = []
        const tabs = clocks.map((_, tab) => {
          const db = new QuireDb(name)
          return {
            db,
            store: new DocStore(
              db,
              key,
              () => clocks[tab]!,
              (entry) => handed.push(entry)
            )
          }
        })
        const id = crypto.randomUUID()
        await tabs[0]!.store.change(id, (doc) => noteText(doc, "title").insert(0, "raced"))
        const words: Array<string> = []
        const outbox = tabs[0]!.db.outbox
        const sent = new Map<number, Uint8Array>()
        const acknowledge = () =>
          tabs[0]!.db.transaction("rw", outbox, async () => {
            const frozen = await outbox.filter((entry) => entry.frozen === 1).toArray()
            for (const entry of frozen) sent.set(entry.clientSeq!, entry.blob)
            await outbox.bulkDelete(frozen.map((entry) => entry.clientSeq!))
          })
        const start = (s: Step): Promise<unknown> => {
          if (s.kind === "freeze") return outbox.toCollection().modify({ frozen: 1 })
          if (s.kind === "acknowledge") return acknowledge()
          const word = `w${words.length} `
          words.push(word)
          clocks[s.tab] = clocks[s.tab]! + (s.afterPause ? 1_000 : 10)
          return tabs[s.tab]!.store.change(id, (doc) => {
            const body = noteText(doc, "body")
            body.insert(body.length, word)
          })
        }
        for (const group of groups) await Promise.all(group.map(start))

        // The stored note holds every word, as a fresh context reads it.
        const fresh = new DocStore(new QuireDb(name), key)
        const stored = await fresh.read(id)
        for (const word of words) expect(stored?.body).toContain(word)

        // So do the entries acknowledged and those still waiting, together: what the server gets.
        const replica = new LoroDoc()
        const waiting = await outbox.orderBy("clientSeq").toArray()
        for (const blob of [...sent.values(), ...waiting.map((entry) => entry.blob)]) {
          const envelope = Either.getOrThrow(decodeEnvelope(await Effect.runPromise(openBlob(key, blob))))
          for (const { bytes } of envelope) replica.import(bytes)
        }
        expect(readNote(id, replica)).toMatchObject({ title: stored?.title, body: stored?.body })

        // A handed entry is stored frozen, with the bytes it was handed with: a push may send either.
        for (const entry of handed) {
          const row = await outbox.get(entry.clientSeq)
          if (row) expect(row.frozen).toBe(1)
          expect(row?.blob ?? sent.get(entry.clientSeq)).toEqual(entry.blob)
        }
        handOffs += handed.length
        for (const tab of tabs) tab.db.close()
        fresh.db.close()
      }),
      { numRuns: 40 }
    )
    // The runs took the paths they are about: edits after a pause were handed off.
    expect(handOffs).toBeGreaterThan(0)
  })
})
