import { currentSchemaVersion } from "@quire/schema"

/** One step of the ordered migration list; `up` edits a document in place. */
export interface Migration<Doc> {
  readonly version: number
  readonly name: string
  readonly up: (doc: Doc) => void
}

/** The version a fully migrated document reaches. */
export const targetVersion = currentSchemaVersion
