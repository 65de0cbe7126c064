/**
 * The sync channel's messages as an Effect Schema union, with their decoder and encoder.
 * Loaded by SyncChannel on its own, after the page is up: the schema library is for the
 * worker's and the channel's checks, never on the note list's first paint.
 */
import { Schema } from "effect"
import { SyncStatus } from "./SyncStatus.js"

export const SyncMessage = Schema.Union(
  Schema.TaggedStruct("Status", { status: SyncStatus }),
  Schema.TaggedStruct("StatusRequest", {}),
  // A tab saved an edit; after a pause in typing, with the entry it wrote frozen (OutboxFold's hand-off).
  Schema.TaggedStruct("LocalChange", {
    entry: Schema.optional(
      Schema.Struct({ clientSeq: Schema.Number, docId: Schema.String, key: Schema.Uint8ArrayFromSelf, blob: Schema.Uint8ArrayFromSelf })
    )
  }),
  Schema.TaggedStruct("SyncNow", {}),
  Schema.TaggedStruct("Stop", {}),
  // Changes the leader just pulled and opened, before it stores them: a tab showing one of
  // these documents takes them in at once instead of waiting for the stored row.
  Schema.TaggedStruct("Arrived", {
    entries: Schema.Array(Schema.Struct({ docId: Schema.String, bytes: Schema.Uint8ArrayFromSelf }))
  })
)
export type SyncMessage = typeof SyncMessage.Type

export const decodeSyncMessage = Schema.decodeUnknownOption(SyncMessage)
export const encodeSyncMessage = Schema.encodeSync(SyncMessage)
