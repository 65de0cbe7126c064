import { Data } from "effect"
import type { LoroDoc } from "loro-crdt"

/**
 * One step of the ordered migration list. `up` edits the document with ordinary Loro
 * operations (they sync like any other edit) and must converge when two devices run it on
 * the same document offline: see `DeterministicChange.ts` for how steps achieve that.
 * The runner sets `schemaVersion` and commits after `up`.
 */
export interface Migration {
  readonly version: number
  readonly name: string
  readonly up: (doc: LoroDoc, context: { readonly docId: string }) => void
}

/** The document was written by a newer app: show it read-only and ask for an update. */
export class DocumentTooNew extends Data.TaggedError("DocumentTooNew")<{
  readonly docId: string
  readonly documentVersion: number
  readonly appVersion: number
}> {
  override get message() {
    return `This note was saved by a newer version of Quire (format ${this.documentVersion}; this app reads up to ${this.appVersion}). Update the app to edit it.`
  }
}
