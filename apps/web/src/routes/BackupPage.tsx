/** Backup: the server's encrypted copy (master), exports for safekeeping, and leaving the workspace. */
import { useNavigate } from "@tanstack/react-router"
import { Either } from "effect"
import { useState } from "react"
import { useSession, useSyncStatus } from "../app/Session.js"
import { forgetWorkspace } from "../app/WorkspaceCookie.js"
import { makeAdminApi } from "../sync/AdminApi.js"
import { downloadBackup } from "../sync/BackupTransfer.js"
import { useRegistry } from "../app/Registry.js"
import { countLeaveLosses, leaveWorkspace } from "../sync/Workspace.js"
import { download } from "../ui/download.js"
import { messageOf } from "../messageOf.js"
import type { ExportPhase, UnavailableFile } from "../backup/ExportFiles.js"

const formatBytes = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`)

const today = () => new Date().toISOString().slice(0, 10)

export function BackupPage() {
  const { db, credentials, sync } = useSession()
  const status = useSyncStatus()
  const navigate = useNavigate()
  const registry = useRegistry()
  const [passphrase, setPassphrase] = useState("")
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [transfer, setTransfer] = useState<{ bytes: number; total: number } | null>(null)
  const [exportProgress, setExportProgress] = useState<{ label: string; done: number; total: number } | null>(null)

  const act = async (work: () => Promise<string | void>) => {
    setBusy(true)
    setMessage(null)
    try {
      const done = await work()
      if (done) setMessage(done)
    } catch (error) {
      setMessage(`Failed: ${messageOf(error)}`)
    } finally {
      setBusy(false)
      setExportProgress(null)
    }
  }

  const serverBackup = () =>
    act(async () => {
      // The workspace's stored bytes are the backup's size, less a few bytes per record.
      const info = await makeAdminApi(credentials).info()
      const total = Either.isRight(info) ? info.right.bytesUsed : 0
      const result = await downloadBackup(credentials, (bytes) => setTransfer({ bytes, total: Math.max(total, bytes) }))
      setTransfer(null)
      if (Either.isLeft(result)) return `Could not download the backup: ${result.left.message}`
      download(result.right, `quire-server-backup-${today()}.qbak`)
      return "Server backup downloaded. It is encrypted: keep the recovery kit to read it."
    })

  /** Where an export reads: this device, and the server for the attachment pieces it lacks. */
  const exportSource = async () => {
    const [{ makeSyncApi }, { workspaceKeyOf }] = await Promise.all([import("../sync/SyncApi.js"), import("../sync/Workspace.js")])
    const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
    return { db, workspaceKey: await workspaceKeyOf(credentials), fetchChunk: api.getBlob }
  }

  const exportChoices = {
    onProgress: (phase: ExportPhase, done: number, total: number) =>
      setExportProgress(total === 0 ? null : { label: phase === "fetching" ? "Fetching attachments" : "Reading attachments", done, total }),
    // Never a silent partial export: the person sees which files are missing and decides.
    withoutUnavailable: async (files: ReadonlyArray<UnavailableFile>) => {
      const notes = await db.notes.bulkGet(files.map((file) => file.noteId))
      return window.confirm(
        `${files.length} attached ${files.length === 1 ? "file" : "files"} could not be fetched:\n` +
          files.map((file, i) => `• ${file.name} (in “${notes[i]?.title || "Untitled"}”): ${file.reason}`).join("\n") +
          "\n\nExport without them? Cancel exports nothing."
      )
    }
  }

  const exportFile = () =>
    act(async () => {
      const { exportWorkspace } = await import("../backup/WorkspaceExport.js")
      const bytes = await exportWorkspace(await exportSource(), { ...exportChoices, ...(passphrase ? { passphrase } : {}) })
      setExportProgress(null)
      if (!bytes) return "Nothing was exported."
      download(bytes, `quire-export-${today()}.quire`)
      return passphrase ? "Export downloaded, protected by your passphrase." : "Export downloaded (not encrypted)."
    })

  const exportMarkdown = () =>
    act(async () => {
      const { exportMarkdown } = await import("../backup/WorkspaceExport.js")
      const bytes = await exportMarkdown(await exportSource(), exportChoices)
      setExportProgress(null)
      if (!bytes) return "Nothing was exported."
      download(bytes, `quire-markdown-${today()}.zip`, "application/zip")
      return "Markdown zip downloaded."
    })

  // Ask first, with what would be lost; stop every tab's sync; then delete, counting again.
  const leave = () =>
    act(async () => {
      const counts = await countLeaveLosses(db)
      const unsynced =
        counts.unsynced > 0
          ? `${counts.unsynced} ${counts.unsynced === 1 ? "change has" : "changes have"} not reached the server yet and would be lost. `
          : ""
      const files =
        counts.unsyncedFiles > 0
          ? `${counts.unsyncedFiles} attached ${counts.unsyncedFiles === 1 ? "file has" : "files have"} not been uploaded yet and would be lost. `
          : ""
      if (!window.confirm(`${unsynced}${files}Remove this workspace from this device? Other devices and the server keep it.`)) {
        return "Nothing was deleted."
      }
      const dropLocalOnly =
        counts.localOnly > 0 &&
        window.confirm(
          `This device also keeps ${counts.localOnly} item(s) that exist only here (changes it could not read, notes as they were before an update). Delete them too? Cancel keeps them on this device.`
        )
      // Leaving on purpose is no eviction: the marker goes first (a refused leave reloads, which sets it again).
      forgetWorkspace()
      const outcome = await sync.stopEverywhere(() => leaveWorkspace(registry, db, counts, { dropLocalOnly }))
      if (!outcome.left) {
        // New edits arrived after the question: nothing was deleted; start syncing again and ask anew.
        location.reload()
        return `Nothing was deleted: ${outcome.counts.unsynced} unsynced changes and ${outcome.counts.unsyncedFiles} files not uploaded now.`
      }
      await navigate({ to: "/welcome" })
    })

  return (
    <section>
      <h1>Backup</h1>
      {message && (
        <div className="banner" role="status">
          {message}
        </div>
      )}
      <div className="grid2">
        <section className="card" aria-label="Export this workspace">
          <h2>Export</h2>
          <p className="muted">Every note with its full history and its attached files, to import into a new workspace later.</p>
          <label htmlFor="export-passphrase">Passphrase (optional)</label>
          <input id="export-passphrase" type="password" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} />
          <p>
            <button type="button" className="primary" disabled={busy} onClick={() => void exportFile()}>
              Export workspace
            </button>
          </p>
          <p>
            <button type="button" disabled={busy} onClick={() => void exportMarkdown()}>
              Export as Markdown (zip)
            </button>
          </p>
          {exportProgress && (
            <div>
              <label htmlFor="export-progress">
                {exportProgress.label}: {exportProgress.done} of {exportProgress.total}
              </label>
              <progress id="export-progress" max={exportProgress.total} value={exportProgress.done} />
            </div>
          )}
        </section>
        <section className="card" aria-label="Server backup">
          <h2>Server backup</h2>
          {credentials.role === "master" ? (
            <>
              <p className="muted">The server's encrypted copy of the whole workspace. Readable only with the recovery kit's key.</p>
              <button type="button" disabled={busy} onClick={() => void serverBackup()}>
                Download server backup
              </button>
              {transfer && (
                <div>
                  <label htmlFor="backup-progress">
                    Downloading: {formatBytes(transfer.bytes)} of about {formatBytes(transfer.total)}
                  </label>
                  <progress id="backup-progress" max={transfer.total} value={transfer.bytes} />
                </div>
              )}
            </>
          ) : (
            <p className="muted">Only the master device downloads server backups.</p>
          )}
        </section>
      </div>
      <section className="card" aria-label="Leave this workspace">
        <h2>Leave this workspace</h2>
        <p className="muted">
          Removes the workspace from this device only. {status.pending > 0 ? `${status.pending} changes are not synced yet.` : ""}
        </p>
        <button type="button" className="danger" disabled={busy} onClick={() => void leave()}>
          Leave workspace
        </button>
      </section>
    </section>
  )
}
