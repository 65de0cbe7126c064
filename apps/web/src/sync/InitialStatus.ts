/** Sync's status before the leader has said anything: a plain value, so a tab holds it without the schema library. */
import type { SyncStatus } from "./SyncStatus.js"

export const initialStatus: SyncStatus = {
  state: "idle",
  pending: 0,
  pendingBytes: 0,
  pendingChunks: 0,
  pendingChunkBytes: 0,
  tooLarge: [],
  lastSyncedAt: null,
  cursor: 0,
  lastError: null,
  progress: null
}
