/**
 * Brings a note document up to the latest schema. Each step runs once, in order, and the
 * runner records the new `schemaVersion` after it and commits, so the edits sync like any
 * other. A document already current is left untouched; one newer than the app is refused.
 */
import { dedupeTags, noteRoot, NoteKey, schemaVersionOf } from "@quire/schema"
import { Either } from "effect"
import type { LoroDoc } from "loro-crdt"
import { DocumentTooNew, type Migration } from "./Migration.js"
import { latestVersion, migrations } from "./migrations.js"

export interface MigrationOutcome {
  readonly from: number
  readonly to: number
  /** Whether the document changed (a migration ran, or duplicate tags were merged away). */
  readonly changed: boolean
}

export const migrateNote = (
  docId: string,
  doc: LoroDoc,
  steps: ReadonlyArray<Migration> = migrations
): Either.Either<MigrationOutcome, DocumentTooNew> => {
  const appVersion = steps.reduce((latest, step) => Math.max(latest, step.version), 1)
  const from = schemaVersionOf(doc)
  if (from > appVersion) return Either.left(new DocumentTooNew({ docId, documentVersion: from, appVersion }))
  let version = from
  for (const step of steps) {
    if (step.version <= version) continue
    step.up(doc, { docId })
    doc.getMap(noteRoot).set(NoteKey.schemaVersion, step.version)
    doc.commit({ message: `migrate to ${step.version}: ${step.name}` })
    version = step.version
  }
  const deduped = dedupeTags(doc)
  if (deduped) doc.commit({ message: "merge duplicate tags" })
  return Either.right({ from, to: version, changed: version !== from || deduped })
}

export { latestVersion }
