/** Ranked search: what it finds and in which order, its snippets, and its index kept in step with the notes across starts. */
import { generateWorkspaceKey } from "@quire/shared"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { QuireDb } from "../src/data/QuireDb.js"
import { IndexKeeper } from "../src/search/IndexKeeper.js"
import { SearchIndex, searchIndexFormat } from "../src/search/SearchIndex.js"
import { snippetOf } from "../src/search/Snippet.js"
import { eventually } from "./support/Device.js"
import { noteCorpus } from "./support/NoteCorpus.js"

const indexOf = (docs: ReadonlyArray<{ id: string; title: string; body: string }>) => {
  const index = SearchIndex.empty()
  for (const doc of docs) index.put(doc)
  return index
}

const ids = (index: SearchIndex, query: string) => index.search(query).map((hit) => hit.id)

describe("search ranking", () => {
  const notes = [
    { id: "body-only", title: "Weekend", body: "Repot the orchid and water the greenhouse tomatoes." },
    { id: "titled", title: "Greenhouse", body: "Plans for spring." },
    { id: "other", title: "Taxes", body: "File before April." },
    ...noteCorpus(300).map((note, i) => ({ id: `filler-${i}`, ...note }))
  ]
  const index = indexOf(notes)

  it("puts a title match before notes that only mention the word", () => {
    const found = ids(index, "greenhouse")
    expect(found[0]).toBe("titled")
    expect(found).toContain("body-only")
  })

  it("finds the word being typed by its start, and forgives typos", () => {
    expect(ids(index, "greenh")[0]).toBe("titled")
    expect(ids(index, "orch")).toContain("body-only")
    // A swap, a missing letter, a wrong letter.
    expect(ids(index, "greenhosue")[0]).toBe("titled")
    expect(ids(index, "grenhouse")[0]).toBe("titled")
    expect(ids(index, "greenhoose")[0]).toBe("titled")
  })

  it("needs every word, ignores finished common words, and is case-blind", () => {
    expect(ids(index, "ORCHID the tomatoes")).toEqual(["body-only"])
    expect(ids(index, "orchid taxes")).toEqual([])
    expect(ids(index, "   ")).toEqual([])
  })

  it("updates and forgets notes", () => {
    const own = indexOf([{ id: "a", title: "Alpha", body: "first" }])
    own.put({ id: "a", title: "Beta", body: "second" })
    expect(ids(own, "alpha")).toEqual([])
    expect(ids(own, "beta")).toEqual(["a"])
    own.remove("a")
    expect(ids(own, "beta")).toEqual([])
  })
})

describe("snippets", () => {
  it("shows the stretch around the first match with every matched word marked", () => {
    const body = `${"Filler words before it. ".repeat(10)}Buy a new Passport before the flight; the passport office opens at nine.`
    const parts = snippetOf(body, ["passport"], ["pass"])
    expect(parts[0]).toEqual({ text: "…", hit: false })
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(["Passport", "passport"])
    expect(parts.map((p) => p.text).join("").length).toBeLessThanOrEqual(162)
  })

  it("marks a word that only starts with what was typed, and never inside a word", () => {
    const parts = snippetOf("Compost the garden; decompose nothing.", [], ["compo"])
    expect(parts.filter((p) => p.hit).map((p) => p.text)).toEqual(["Compost"])
  })

  it("is plain text: markup in a note stays text", () => {
    const parts = snippetOf("<img src=x onerror=alert(1)> recipe", ["recipe"])
    expect(parts.map((p) => p.text).join("")).toBe("<img src=x onerror=alert(1)> recipe")
  })
})

describe("the search index across starts", () => {
  const open = async (name: string) => {
    const db = new QuireDb(name)
    const notes = new NoteRepository(new DocStore(db, await Effect.runPromise(generateWorkspaceKey)))
    return { db, notes }
  }

  it("is saved, loaded instead of rebuilt, and catches up with what changed while it was closed", async () => {
    const { db, notes } = await open(`quire-search-${process.pid}-1`)
    const recipe = await notes.create({ title: "Lentil soup", body: "Onion, garlic, red lentils." })
    const trip = await notes.create({ title: "Lisbon trip", body: "Passport, tickets." })
    const first = await IndexKeeper.open(db, { saveAfterMs: 0 })
    expect(first.index.search("lentil").map((h) => h.id)).toEqual([recipe])
    await first.save()
    first.close()
    const saved = await db.searchIndex.toArray()
    expect(saved).toHaveLength(1)
    expect(saved[0]!.format).toBe(searchIndexFormat)
    expect(Object.keys(saved[0]!.stamps).sort()).toEqual([recipe, trip].sort())

    // While no index runs: one note edited, one deleted forever, one added.
    await notes.setBody(recipe, "Onion, garlic, chickpeas.")
    await notes.deleteForever(trip)
    const later = await notes.create({ title: "Chickpea salad", body: "Parsley." })

    const second = await IndexKeeper.open(db)
    expect(second.index.search("lentils").map((h) => h.id)).toEqual([recipe]) // still in its title
    expect(second.index.search("chickpeas").map((h) => h.id)).toEqual([later, recipe])
    expect(second.index.search("passport")).toEqual([])
    expect(second.index.size).toBe(2)
    second.close()
    db.close()
  })

  it("follows edits made while it runs", async () => {
    const { db, notes } = await open(`quire-search-${process.pid}-2`)
    const id = await notes.create({ title: "Garden", body: "Tulips." })
    const keeper = await IndexKeeper.open(db)
    let changes = 0
    keeper.follow(() => changes++)
    await notes.setBody(id, "Tulips and dahlias.")
    await eventually(() => keeper.index.search("dahlias").length === 1, 10_000, "the edit indexed")
    await notes.deleteForever(id)
    await eventually(() => keeper.index.search("tulips").length === 0, 10_000, "the deleted note forgotten")
    expect(changes).toBeGreaterThanOrEqual(2)
    keeper.close()
    db.close()
  })

  it("rebuilds from the notes when the saved index is of another format", async () => {
    const { db, notes } = await open(`quire-search-${process.pid}-3`)
    const id = await notes.create({ title: "Kept", body: "Rebuilt from the rows." })
    await db.searchIndex.put({ name: "notes", format: searchIndexFormat + 1, json: "{}", stamps: {} })
    const keeper = await IndexKeeper.open(db)
    expect(keeper.index.search("rebuilt").map((h) => h.id)).toEqual([id])
    keeper.close()
    db.close()
  })
})
