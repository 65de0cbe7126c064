/**
 * The search Web Worker, one per tab: loads the workspace's saved index (or builds it) off the
 * main thread, keeps it in step with the database, and answers queries with ranked hits and
 * snippets. Wiring only: IndexKeeper and SearchIndex do the work.
 */
import { DeviceRegistry } from "../data/DeviceRegistry.js"
import { QuireDb } from "../data/QuireDb.js"
import { IndexKeeper, searchDocOf } from "./IndexKeeper.js"
import { queryWords, type SearchHit } from "./SearchIndex.js"
import { searchWorkerPrefix, type SearchReply, type SearchRequest } from "./SearchProtocol.js"
import { snippetOf, type Snippet } from "./Snippet.js"
import { messageOf } from "../messageOf.js"

const reply = (message: SearchReply) => self.postMessage(message)

const started = performance.now()

/** The named database, or (started before the tab knew it) the device's current workspace's. */
const openDatabase = async (): Promise<QuireDb | undefined> => {
  const named = self.name.slice(searchWorkerPrefix.length)
  if (named !== "") return new QuireDb(named)
  const registry = new DeviceRegistry()
  const current = await registry.current()
  registry.close()
  return current === undefined ? undefined : registry.open(current)
}

const opening = openDatabase().then((db) => {
  reply({ type: "opened", database: db?.name ?? null })
  if (!db) {
    self.close()
    return new Promise<never>(() => {})
  }
  return IndexKeeper.open(db)
})
/** The terms each recent hit matched, so later snippet requests mark the same words. */
let lastHits = new Map<string, SearchHit>()

const snippetsFor = async (keeper: IndexKeeper, hits: ReadonlyArray<SearchHit>, text: string) => {
  const words = queryWords(text)
  const rows = await keeper.texts(hits.map((hit) => hit.id))
  const snippets: Record<string, Snippet> = {}
  rows.forEach((row, i) => {
    const hit = hits[i]!
    snippets[hit.id] = snippetOf(row ? searchDocOf(row).body : "", hit.terms, words)
  })
  return snippets
}

opening.then(
  (keeper) => {
    reply({ type: "ready", notes: keeper.index.size, loadMs: Math.round(performance.now() - started), timings: keeper.timings })
    keeper.follow(() => reply({ type: "changed" }))
    // In slices, each its own task: a query that arrives meanwhile waits for one slice at most.
    const readAhead = () => keeper.index.readAhead(4) && setTimeout(readAhead, 0)
    setTimeout(readAhead, 0)
  },
  (error: unknown) => reply({ type: "failed", message: messageOf(error) })
)

self.onmessage = (event: MessageEvent<SearchRequest>) => {
  const request = event.data
  void (async () => {
    try {
      const keeper = await opening
      if (request.type === "search") {
        // Every write seen so far is in the answer (reading it costs nothing when none waits).
        await keeper.fresh()
        const hits = keeper.index.search(request.text)
        lastHits = new Map(hits.map((hit) => [hit.id, hit]))
        // The hits go at once; their snippets (a read of their texts) when the list asks for the
        // rows it shows, a moment later: a keystroke's answer never waits on IndexedDB.
        reply({ type: "results", seq: request.seq, ids: hits.map((hit) => hit.id), snippets: {} })
      } else {
        const hits = request.ids.map((id) => lastHits.get(id) ?? { id, score: 0, terms: [] })
        reply({ type: "snippets", seq: request.seq, snippets: await snippetsFor(keeper, hits, request.text) })
      }
    } catch (error) {
      reply({ type: "failed", seq: request.seq, message: messageOf(error) })
    }
  })()
}
