/**
 * The tab's side of search: starts the search worker for a workspace's database and asks it
 * questions. A newer search supersedes an older one: only the latest query's answer is kept.
 */
import { searchWorkerPrefix, type SearchReply, type SearchRequest, type SearchResultHit } from "./SearchProtocol.js"
import type { Snippet } from "./Snippet.js"

type SearchRequestBody = SearchRequest extends infer R ? (R extends SearchRequest ? Omit<R, "seq"> : never) : never

export type SearchState = { readonly ready: false } | { readonly ready: true; readonly notes: number; readonly loadMs: number }

export class SearchClient {
  private readonly worker: Worker
  private seq = 0
  private readonly waiting = new Map<number, (reply: SearchReply) => void>()
  private readonly listeners = new Set<() => void>()
  private state: SearchState = { ready: false }
  /** Bumped when the index took in a change: results on screen may be stale. */
  private version = 0

  constructor(databaseName: string) {
    this.worker = new Worker(new URL("./search.worker.ts", import.meta.url), { type: "module", name: searchWorkerPrefix + databaseName })
    this.worker.onmessage = (event: MessageEvent<SearchReply>) => this.receive(event.data)
  }

  private receive(message: SearchReply) {
    if (message.type === "ready") {
      this.state = { ready: true, notes: message.notes, loadMs: message.loadMs }
      // Marked in the tab's timeline: the bench reads when search became usable.
      performance.mark("quire:search-ready")
      this.notify()
    } else if (message.type === "changed") {
      this.version++
      this.notify()
    } else if (message.seq !== undefined) {
      this.waiting.get(message.seq)?.(message)
      this.waiting.delete(message.seq)
    }
  }

  private notify() {
    for (const listener of this.listeners) listener()
  }

  private ask(request: SearchRequestBody): Promise<SearchReply> {
    const seq = ++this.seq
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve)
      this.worker.postMessage({ ...request, seq } as SearchRequest)
    })
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  readonly getState = () => this.state
  readonly getVersion = () => this.version

  /** Ranked hits, best first; snippets for the first ones. */
  async search(text: string): Promise<ReadonlyArray<SearchResultHit>> {
    const reply = await this.ask({ type: "search", text })
    if (reply.type === "failed") throw new Error(reply.message)
    return reply.type === "results" ? reply.hits : []
  }

  async snippets(text: string, ids: ReadonlyArray<string>): Promise<Readonly<Record<string, Snippet>>> {
    const reply = await this.ask({ type: "snippets", text, ids })
    if (reply.type === "failed") throw new Error(reply.message)
    return reply.type === "snippets" ? reply.snippets : {}
  }

  close(): void {
    this.worker.terminate()
    this.listeners.clear()
  }
}

/** One search worker per database for the tab's life, shared by every screen that searches. */
const clients = new Map<string, SearchClient>()

export const searchClientFor = (databaseName: string): SearchClient => {
  let client = clients.get(databaseName)
  if (!client) clients.set(databaseName, (client = new SearchClient(databaseName)))
  return client
}
