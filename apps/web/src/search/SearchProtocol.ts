/**
 * What a tab and its search worker say to each other. Plain types, no runtime schema: both
 * ends are this app's own code in one origin, and the list's first paint must not pay for a
 * schema library.
 */
import type { Snippet } from "./Snippet.js"

export interface SearchResultHit {
  readonly id: string
  readonly score: number
  /** Present for the first hits; later ones are asked for as they scroll into view. */
  readonly snippet?: Snippet
}

export type SearchRequest =
  | { readonly type: "search"; readonly seq: number; readonly text: string }
  | { readonly type: "snippets"; readonly seq: number; readonly text: string; readonly ids: ReadonlyArray<string> }

export type SearchReply =
  | { readonly type: "ready"; readonly notes: number; readonly loadMs: number }
  | { readonly type: "changed" }
  | { readonly type: "results"; readonly seq: number; readonly hits: ReadonlyArray<SearchResultHit> }
  | { readonly type: "snippets"; readonly seq: number; readonly snippets: Readonly<Record<string, Snippet>> }
  | { readonly type: "failed"; readonly seq?: number; readonly message: string }

/** The worker's name carries the database it indexes. */
export const searchWorkerPrefix = "quire-search:"
