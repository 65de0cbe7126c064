/** Ranked search: what it finds and in which order, its snippets, and its index kept in step with the notes across starts. */
import { generateWorkspaceKey } from "@quire/shared"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import { QuireDb, type NoteTextRow } from "../src/data/QuireDb.js"
import { IndexKeeper, type SavedIndexRow } from "../src/search/IndexKeeper.js"
import type { SavedIndex } from "../src/search/SavedIndex.js"
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

describe("the saved shape of the index", () => {
  const corpus = noteCorpus(400).map((note, i) => ({ id: `note-${i}`, ...note }))
  const queries = ["meeting", "mee", "recipe garlic", "pasport", "harbor bu", "greenhouse", "invoice contract", "zzz"]
  const hitsOf = (index: SearchIndex) => queries.map((query) => index.search(query))
  /** What a saved index holds, in one order (the term tree's order depends on how it was filled). */
  const contentsOf = (saved: SavedIndex) => {
    const { ids, shortIds, fieldLengths, terms, postings, ...scalars } = saved
    const fieldCount = Object.keys(saved.fieldIds).length
    const documents = ids.map((id, i) => `${id} ${shortIds[i]} ${[...fieldLengths.subarray(i * fieldCount, (i + 1) * fieldCount)]}`)
    const entries: Array<string> = []
    let at = 0
    for (const term of terms)
      for (let fields = postings[at++]!; fields > 0; fields--) {
        const fieldId = postings[at++]!
        const pairs: Array<string> = []
        for (let count = postings[at++]!; count > 0; count--, at += 2) pairs.push(`${postings[at]}:${postings[at + 1]}`)
        entries.push(`${term} ${fieldId} ${pairs.sort().join(",")}`)
      }
    return { scalars, documents: documents.sort(), entries: entries.sort() }
  }

  it("loads into the index it was saved from: the same hits, scores and matched words", () => {
    const built = indexOf(corpus)
    for (let i = 0; i < 40; i++) built.remove(`note-${i * 7}`)
    built.put({ ...corpus[1]!, body: "Rewritten: physiotherapy for the knee." })
    const loaded = SearchIndex.load(structuredClone(built.save()))
    expect(loaded.size).toBe(built.size)
    expect(hitsOf(loaded)).toEqual(hitsOf(built))
    expect(contentsOf(loaded.save())).toEqual(contentsOf(built.save()))
  })

  it("answers the same whether its postings were read ahead or as queries met them", () => {
    const built = indexOf(corpus)
    const readAhead = SearchIndex.load(built.save())
    let slices = 0
    while (readAhead.readAhead(0)) slices++
    expect(slices).toBeGreaterThan(0)
    expect(readAhead.readAhead(0)).toBe(false)
    expect(hitsOf(readAhead)).toEqual(hitsOf(SearchIndex.load(built.save())))
    expect(hitsOf(readAhead)).toEqual(hitsOf(built))
  })

  it("stays the same index through later changes", () => {
    const built = indexOf(corpus)
    const loaded = SearchIndex.load(built.save())
    for (const index of [built, loaded]) {
      index.put({ id: "new", title: "Zygomorphic flowers", body: "Exercises twice a day." })
      index.put({ ...corpus[3]!, title: "Retitled" })
      index.remove("note-5")
    }
    expect(hitsOf(loaded)).toEqual(hitsOf(built))
    expect(ids(loaded, "zygomorphic")).toEqual(["new"])
    expect(contentsOf(loaded.save())).toEqual(contentsOf(built.save()))
  })

  it("keeps numbers past 16 bits", () => {
    const built = indexOf([{ id: "long", title: "Echo", body: "echo ".repeat(70_000) }, ...corpus.slice(0, 10)])
    const saved = built.save()
    expect(saved.postings).toBeInstanceOf(Uint32Array)
    expect(hitsOf(SearchIndex.load(saved))).toEqual(hitsOf(built))
    expect(SearchIndex.load(saved).search("echo")[0]?.score).toBe(built.search("echo")[0]?.score)
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
    const saved = await db.table<SavedIndexRow>("searchIndex").toArray()
    expect(saved).toHaveLength(1)
    expect(saved[0]!.format).toBe(searchIndexFormat)
    expect([...saved[0]!.stamped].sort()).toEqual([recipe, trip].sort())

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

  /** A keeper following a workspace of one note, caught up with it. */
  const following = async (name: string, title: string) => {
    const { db, notes } = await open(name)
    const id = await notes.create({ title, body: "" })
    const keeper = await IndexKeeper.open(db, { followQuietMs: 600 })
    keeper.follow()
    await keeper.fresh()
    return { db, notes, id, keeper }
  }

  it("reads a burst of writes once they pause, and any write at once when asked before a query", async () => {
    const { db, notes, id, keeper } = await following(`quire-search-${process.pid}-4`, "Burst")
    let reads = 0
    const counted = (row: NoteTextRow) => (reads++, row)
    db.noteText.hook("reading", counted)
    // Typing: a write every 20 ms or so, each of which read at once would be a read of the table.
    for (const word of ["one", "two", "three", "four", "five"]) {
      await notes.setBody(id, word)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(reads).toBe(0)
    await eventually(() => keeper.index.search("five").length === 1, 10_000, "the burst indexed once it paused")
    expect(reads).toBe(1)
    // A query does not wait for the pause: asking first reads what was just written.
    await notes.setBody(id, "six")
    await keeper.fresh()
    expect(keeper.index.search("six").map((hit) => hit.id)).toEqual([id])
    db.noteText.hook("reading").unsubscribe(counted)
    keeper.close()
    db.close()
  })

  it("reads writes that never pause at most a second after the first of them", async () => {
    const { db, notes, id, keeper } = await following(`quire-search-${process.pid}-5`, "Steady")
    let indexed = false
    let body = ""
    for (let i = 0; i < 40 && !indexed; i++) {
      body += ` word${i}`
      await notes.setBody(id, body)
      indexed = keeper.index.search("word0").length === 1
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    // Writes came every 50 ms or so, never the 600 ms pause: the index still took them in.
    expect(indexed).toBe(true)
    keeper.close()
    db.close()
  })

  it("rebuilds from the notes when the saved index is of another format", async () => {
    const { db, notes } = await open(`quire-search-${process.pid}-3`)
    const id = await notes.create({ title: "Kept", body: "Rebuilt from the rows." })
    // A row as an older app saved it: its shape is not this app's, only its name and format are.
    await db.table("searchIndex").put({ name: "notes", format: searchIndexFormat - 1, json: "{}", stamps: {} })
    const keeper = await IndexKeeper.open(db)
    expect(keeper.index.search("rebuilt").map((h) => h.id)).toEqual([id])
    keeper.close()
    db.close()
  })
})
