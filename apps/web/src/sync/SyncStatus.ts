/** What every tab shows about sync. Honest: never "idle" while anything is pending or failing. */
import { Schema } from "effect"

export const SyncErrorKind = Schema.Literal("auth", "quota", "version", "network", "server", "device")

export const SyncErrorData = Schema.Struct({
  kind: SyncErrorKind,
  message: Schema.String,
  tag: Schema.optional(Schema.String)
})

export const SyncState = Schema.Literal("idle", "syncing", "offline", "error")
export type SyncState = typeof SyncState.Type

export const SyncStatus = Schema.Struct({
  state: SyncState,
  /** Changes on this device the server has not acknowledged yet, and their bytes. */
  pending: Schema.Number,
  pendingBytes: Schema.Number,
  /** Attachment chunks added here that the server does not hold yet, and their bytes. */
  pendingChunks: Schema.Number,
  pendingChunkBytes: Schema.Number,
  /** Changes the server refused as too large, set aside (still on this device) so the rest sync. */
  tooLarge: Schema.Array(Schema.Struct({ docId: Schema.String, bytes: Schema.Number })),
  /** When the device last finished a full push and pull. */
  lastSyncedAt: Schema.NullOr(Schema.Number),
  /** The last server seq this device imported. */
  cursor: Schema.Number,
  lastError: Schema.NullOr(SyncErrorData),
  /** Set while pulling: seqs done of the total to reach the server's head, and the bytes received. */
  progress: Schema.NullOr(
    // Changes pulled of those there are, their bytes, and how many notes they brought so far.
    Schema.Struct({ done: Schema.Number, total: Schema.Number, bytes: Schema.Number, notes: Schema.Number })
  )
})
export type SyncStatus = typeof SyncStatus.Type

export { initialStatus } from "./InitialStatus.js"
