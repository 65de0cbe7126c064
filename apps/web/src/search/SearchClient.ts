/**
 * The tab's side of search: starts the search worker for a workspace's database and asks it
 * questions. A newer search supersedes an older one: only the latest query's answer is kept.
 */
import { searchWorkerPrefix, type SearchReply, type SearchRequest, type SearchResults } from "./SearchProtocol.js"
import type { Snippet } from "./Snippet.js"

type SearchRequestBody = SearchRequest extends infer R ? (R extends SearchRequest ? Omit<R, "seq"> : never) : never

export type SearchState = { readonly ready: false } | { readonly ready: true; readonly notes: number; readonly loadMs: number }

export class SearchClient {
  private worker: Worker
  /** The database the tab wants searched, once known; a worker that opened another is replaced. */
  private wanted: string | undefined
  private seq = 0
  private readonly waiting = new Map<number, { readonly request: SearchRequest; readonly answer: (reply: SearchReply) => void }>()
  private readonly listeners = new Set<() => void>()
  private state: SearchState = { ready: false }
  /** Bumped when the index took in a change: results on screen may be stale. */
  private version = 0

  /** Without a name, the worker indexes the device's current workspace (see `startSearchEarly`). */
  constructor(databaseName?: string) {
    this.wanted = databaseName
    this.worker = this.spawn(databaseName ?? "")
  }

  private spawn(databaseName: string): Worker {
    const worker = new Worker(new URL("./search.worker.ts", import.meta.url), { type: "module", name: searchWorkerPrefix + databaseName })
    worker.onmessage = (event: MessageEvent<SearchReply>) => this.receive(event.data)
    return worker
  }

  /** The tab now knows its database: a worker started early on another (or none) is replaced. */
  expect(databaseName: string): void {
    this.wanted = databaseName
    if (this.opened !== undefined && this.opened !== databaseName) this.respawn()
  }

  private opened: string | null | undefined

  private respawn() {
    this.worker.terminate()
    this.opened = undefined
    this.state = { ready: false }
    this.worker = this.spawn(this.wanted!)
    // Questions the replaced worker had not answered go to the new one.
    for (const { request } of this.waiting.values()) this.worker.postMessage(request)
    this.notify()
  }

  private receive(message: SearchReply) {
    if (message.type === "opened") {
      this.opened = message.database
      if (this.wanted !== undefined && message.database !== this.wanted) this.respawn()
    } else if (message.type === "ready") {
      this.state = { ready: true, notes: message.notes, loadMs: message.loadMs }
      // Marked in the tab's timeline: the bench reads when search became usable, and why then.
      performance.mark("quire:search-ready", { detail: { workerMs: message.loadMs, ...message.timings } })
      this.notify()
    } else if (message.type === "changed") {
      this.version++
      this.notify()
    } else if (message.seq !== undefined) {
      this.waiting.get(message.seq)?.answer(message)
      this.waiting.delete(message.seq)
    }
  }

  private notify() {
    for (const listener of this.listeners) listener()
  }

  private ask(request: SearchRequestBody): Promise<SearchReply> {
    const seq = ++this.seq
    const full = { ...request, seq } as SearchRequest
    return new Promise((answer) => {
      this.waiting.set(seq, { request: full, answer })
      this.worker.postMessage(full)
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
  async search(text: string): Promise<SearchResults> {
    const reply = await this.ask({ type: "search", text })
    if (reply.type === "failed") throw new Error(reply.message)
    return reply.type === "results" ? reply : { ids: [], snippets: {} }
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
let early: SearchClient | undefined

/**
 * Starts the search worker as the app's script runs, before the tab has read which workspace
 * is open: loading the index overlaps the list's first paint instead of following it.
 */
export const startSearchEarly = () => {
  if (typeof Worker !== "undefined") early ??= new SearchClient()
}

export const searchClientFor = (databaseName: string): SearchClient => {
  let client = clients.get(databaseName)
  if (!client) {
    client = early ?? new SearchClient(databaseName)
    early = undefined
    client.expect(databaseName)
    clients.set(databaseName, client)
  }
  return client
}
