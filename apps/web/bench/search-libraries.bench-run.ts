/**
 * MiniSearch against FlexSearch on 10,000 real-looking notes, in node, configured for what the
 * note list needs (prefix and typo tolerance, title above body): build time, keystroke →
 * results, serialized size and load time, and whether each finds what a person means.
 * The choice it informed is docs/decisions/0009. Writes bench-results/search-libraries.json.
 */
import { Charset, Document } from "flexsearch"
import { deserialize, serialize } from "node:v8"
import { gzipSync } from "node:zlib"
import { it } from "vitest"
import type { SavedIndex } from "../src/search/SavedIndex.js"
import { SearchIndex } from "../src/search/SearchIndex.js"
import { noteCorpus } from "../test/support/NoteCorpus.js"
import { percentile, report } from "./Report.js"

const noteCount = Number(process.env.BENCH_NOTES ?? 10_000)

// A type, not an interface: FlexSearch wants an index signature, which only type aliases imply.
type Doc = {
  readonly id: string
  readonly title: string
  readonly body: string
}

interface Engine {
  readonly name: string
  readonly build: (docs: ReadonlyArray<Doc>) => void
  readonly search: (query: string) => Array<string>
  readonly serialize: () => Promise<Uint8Array>
  readonly load: (data: Uint8Array) => Promise<void>
  readonly snippets: string
}

/** MiniSearch as the app configures it (SearchIndex): per-word prefix and typo rules, stopwords, title boost. */
const miniSearch = (): Engine => {
  let index = SearchIndex.empty()
  return {
    name: "MiniSearch 7",
    build: (docs) => {
      for (const doc of docs) index.put(doc)
    },
    search: (query) => index.search(query).map((hit) => hit.id),
    // The shape the app saves, as IndexedDB's structured clone writes it.
    serialize: async () => serialize(index.save()),
    load: async (data) => {
      index = SearchIndex.load(deserialize(data) as SavedIndex)
    },
    snippets: "no; returns each hit's matched words (SearchIndex marks them, Snippet.ts)"
  }
}

const flexOptions = () => ({
  document: {
    id: "id",
    index: [
      { field: "title" as const, tokenize: "forward" as const, encoder: Charset.LatinBalance },
      { field: "body" as const, tokenize: "forward" as const, encoder: Charset.LatinBalance }
    ]
  }
})

const flexSearch = (): Engine => {
  let index = new Document<Doc>(flexOptions())
  return {
    name: "FlexSearch 0.8",
    build: (docs) => {
      for (const doc of docs) index.add(doc)
    },
    // Title hits first, then body hits: FlexSearch scores each field alone.
    search: (query) => {
      const byField = index.search(query, { suggest: true, limit: 10_000 })
      const ids: Array<string> = []
      const seen = new Set<string>()
      for (const field of ["title", "body"])
        for (const id of byField.find((r) => r.field === field)?.result ?? []) {
          if (!seen.has(String(id))) ids.push(String(id))
          seen.add(String(id))
        }
      return ids
    },
    serialize: async () => {
      const parts: Record<string, string> = {}
      // Synchronous with a synchronous handler.
      index.export((key, data) => {
        parts[key] = data
      })
      return Buffer.from(JSON.stringify(parts))
    },
    load: async (data) => {
      index = new Document<Doc>(flexOptions())
      for (const [key, part] of Object.entries(JSON.parse(Buffer.from(data).toString()) as Record<string, string>)) index.import(key, part)
    },
    snippets: "yes, with the document store kept in the index (HTML template)"
  }
}

const time = (run: () => void) => {
  const started = performance.now()
  run()
  return performance.now() - started
}

/** What a person types, keystroke by keystroke. */
const typed = ["meeting", "recipe garlic", "passport", "harbor budget", "dana", "physiotherapy knee", "compost", "invoice"]
const keystrokes = typed.flatMap((query) => Array.from({ length: query.length }, (_, i) => query.slice(0, i + 1)).filter((q) => q.trim()))

it("compares MiniSearch and FlexSearch", async () => {
  const notes = noteCorpus(noteCount)
  const docs = notes.map((note, i) => ({ id: `n${i}`, ...note }))
  // A note whose title holds a word many bodies hold: it must come first.
  docs.push({ id: "titled", title: "Greenhouse", body: "Plans for the spring." })
  const rows: Array<Record<string, unknown>> = []
  for (const make of [miniSearch, flexSearch]) {
    for (const run of [1, 2]) {
      const engine = make()
      const buildMs = time(() => engine.build(docs))
      const latencies: Array<number> = []
      for (let round = 0; round < 3; round++)
        for (const query of keystrokes) {
          const started = performance.now()
          engine.search(query)
          latencies.push(performance.now() - started)
        }
      const serialized = await engine.serialize()
      const loadStarted = performance.now()
      await engine.load(serialized)
      const loadMs = performance.now() - loadStarted
      const finds = (query: string, id: (ids: Array<string>) => boolean) => id(engine.search(query))
      const withWord = (word: string) => (ids: Array<string>) => {
        const top = docs.find((d) => d.id === ids[0])
        return top !== undefined && `${top.title} ${top.body}`.toLowerCase().includes(word)
      }
      rows.push({
        library: engine.name,
        run,
        notes: docs.length,
        buildMs: Math.round(buildMs),
        keystrokeP50Ms: percentile(latencies, 50),
        keystrokeP95Ms: percentile(latencies, 95),
        serializedMiB: Number((serialized.length / 1024 / 1024).toFixed(1)),
        gzippedMiB: Number((gzipSync(serialized).length / 1024 / 1024).toFixed(1)),
        loadMs: Math.round(loadMs),
        prefix: finds("physiot", withWord("physiotherapy")),
        typoSwap: finds("physiotehrapy", withWord("physiotherapy")),
        typoWrongLetter: finds("physiotherapi", withWord("physiotherapy")),
        typoMissing: finds("physotherapy", withWord("physiotherapy")),
        titleFirst: engine.search("greenhouse")[0] === "titled",
        snippets: engine.snippets
      })
    }
  }
  await report("search-libraries", rows)
})
