/** Always visible: what sync is doing, what is pending, when it last finished, and why it stopped. */
import { useEffect, useState } from "react"
import { useSession, useSyncStatus } from "../app/Session.js"
import type { SyncStatus } from "../sync/SyncStatus.js"
import { formatSize } from "./fileSize.js"
import { timeAgo } from "./time.js"

/** What waits to go: changes by count, attached files by their bytes. */
const pendingOf = (status: SyncStatus): string => {
  const parts = [
    ...(status.pending > 0 ? [`${status.pending} pending`] : []),
    ...(status.pendingChunks > 0 ? [`${formatSize(status.pendingChunkBytes)} of files`] : [])
  ]
  return parts.length > 0 ? ` (${parts.join(", ")})` : ""
}

const describeStatus = (status: SyncStatus): string => {
  const held = status.tooLarge.length
  switch (status.state) {
    case "idle":
      return held > 0 ? `Synced, except ${held} ${held === 1 ? "change" : "changes"} too large` : "Synced"
    case "syncing":
      return `Syncing${pendingOf(status)}`
    case "offline":
      return `Offline${pendingOf(status)}`
    case "error":
      return `Sync stopped: ${status.lastError?.message ?? "unknown error"}`
  }
}

export function SyncStatusBar() {
  const status = useSyncStatus()
  const { sync } = useSession()
  const [, tick] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 30_000)
    return () => clearInterval(timer)
  }, [])
  return (
    <div className="status" data-state={status.state} role="status" aria-live="polite" aria-label="Sync status">
      <span className="dot" aria-hidden="true" />
      <span data-testid="sync-state">{describeStatus(status)}</span>
      {status.lastSyncedAt !== null && status.state !== "error" && (
        <span className="muted">· last synced {timeAgo(status.lastSyncedAt)}</span>
      )}
      <button type="button" onClick={() => sync.syncNow()}>
        Sync now
      </button>
    </div>
  )
}

/** The first pull (or any long pull) as a bar. */
export function SyncProgress() {
  const { progress } = useSyncStatus()
  if (!progress) return null
  return (
    <div>
      <label htmlFor="sync-progress">
        Downloading notes: {progress.notes.toLocaleString()} so far, {progress.done.toLocaleString()} of {progress.total.toLocaleString()}{" "}
        changes ({(progress.bytes / 1024 / 1024).toFixed(1)} MB)
      </label>
      <progress id="sync-progress" max={progress.total} value={progress.done} />
    </div>
  )
}
