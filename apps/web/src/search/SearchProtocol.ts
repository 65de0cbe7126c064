/**
 * What a tab and its search worker say to each other. Plain types, no runtime schema: both
 * ends are this app's own code in one origin, and the list's first paint must not pay for a
 * schema library.
 */
import type { OpenTimings } from "./IndexKeeper.js"
import type { Snippet } from "./Snippet.js"

/** The notes that match, best first (ids only: thousands cross to the tab each keystroke), and snippets of the first ones. */
export interface SearchResults {
  readonly ids: ReadonlyArray<string>
  /** For the first hits; later ones are asked for as they scroll into view. */
  readonly snippets: Readonly<Record<string, Snippet>>
}

export type SearchRequest =
  | { readonly type: "search"; readonly seq: number; readonly text: string }
  | { readonly type: "snippets"; readonly seq: number; readonly text: string; readonly ids: ReadonlyArray<string> }

export type SearchReply =
  /** First: which database the worker indexes (null: the device has no workspace open). */
  | { readonly type: "opened"; readonly database: string | null }
  | { readonly type: "ready"; readonly notes: number; readonly loadMs: number; readonly timings: OpenTimings }
  | { readonly type: "changed" }
  | ({ readonly type: "results"; readonly seq: number } & SearchResults)
  | { readonly type: "snippets"; readonly seq: number; readonly snippets: Readonly<Record<string, Snippet>> }
  | { readonly type: "failed"; readonly seq?: number; readonly message: string }

/** The worker's name carries the database it indexes; with none, the device's current workspace. */
export const searchWorkerPrefix = "quire-search:"
