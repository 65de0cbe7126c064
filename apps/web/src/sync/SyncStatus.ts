/** What every tab shows about sync. Honest: never "idle" while anything is pending or failing. */
import type { SyncError } from "./SyncError.js"

export type SyncState = "idle" | "syncing" | "offline" | "error"

export interface SyncStatus {
  readonly state: SyncState
  /** Changes on this device the server has not acknowledged yet, and their bytes. */
  readonly pending: number
  readonly pendingBytes: number
  /** When the device last finished a full push and pull. */
  readonly lastSyncedAt: number | null
  /** The last server seq this device imported. */
  readonly cursor: number
  readonly lastError: SyncError | null
  /** Set while pulling: seqs done of the total to reach the server's head. */
  readonly progress: { readonly done: number; readonly total: number } | null
}

export const initialStatus: SyncStatus = {
  state: "idle",
  pending: 0,
  pendingBytes: 0,
  lastSyncedAt: null,
  cursor: 0,
  lastError: null,
  progress: null
}
