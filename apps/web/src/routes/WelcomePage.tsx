/** A device without a workspace: create one, join one with a link, or bring one back from a file. */
import { useNavigate } from "@tanstack/react-router"
import { Either } from "effect"
import { useState, type FormEvent } from "react"
import { useRegistry } from "../app/Registry.js"
import { hadWorkspaceBefore } from "../app/WorkspaceCookie.js"
import { createWorkspace, joinWorkspace, restoreWorkspace } from "../sync/Workspace.js"
import { QrScanButton } from "../ui/QrScanButton.js"
import { ImportExportForm } from "./ImportExportForm.js"
import { messageOf } from "../messageOf.js"

const defaultLabel = () => {
  const platform = navigator.userAgent.match(/\((?:[^;)]*;\s*)?([^;)]+)/)?.[1] ?? "browser"
  return `Browser on ${platform.trim()}`.slice(0, 60)
}

export function WelcomePage() {
  const registry = useRegistry()
  const navigate = useNavigate()
  const [label, setLabel] = useState(defaultLabel)
  const [link, setLink] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [backupFile, setBackupFile] = useState<File | null>(null)
  const [backupKey, setBackupKey] = useState("")
  const [kit, setKit] = useState("")

  const run = async (work: () => Promise<Either.Either<unknown, { message: string }>>) => {
    setBusy(true)
    setError(null)
    // Typed failures come back as Left; anything thrown (storage, a chunk that will not load) is shown too.
    const result = await work().catch((thrown: unknown) => Either.left({ message: messageOf(thrown) }))
    setBusy(false)
    if (Either.isLeft(result)) setError(result.left.message)
    else await navigate({ to: "/" })
  }

  const create = (event: FormEvent) => {
    event.preventDefault()
    void run(() => createWorkspace(registry, location.origin, label))
  }
  const join = (event: FormEvent) => {
    event.preventDefault()
    void run(() => joinWorkspace(registry, link, label))
  }
  const recover = (event: FormEvent) => {
    event.preventDefault()
    void run(async () => (await import("../sync/RecoveryKit.js")).recoverWorkspace(registry, kit, label))
  }
  const restore = (event: FormEvent) => {
    event.preventDefault()
    if (!backupFile) return
    void run(async () => restoreWorkspace(registry, location.origin, backupFile, backupKey))
  }

  return (
    <section>
      <h1>Welcome to Quire</h1>
      <p>Notes that work offline and sync between your devices, end-to-end encrypted: the server cannot read them.</p>
      {hadWorkspaceBefore() && (
        <div className="banner error" role="alert">
          <strong>This browser held a Quire workspace, and its data is gone: the browser cleared this site's storage.</strong> Everything
          that had synced is safe on the server. To get it back, join again with a share link from another device, use the recovery kit, or
          restore a backup. Changes that had not synced before the browser cleared them are lost.
        </div>
      )}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <label htmlFor="device-label">This device's name</label>
      <input id="device-label" value={label} onChange={(event) => setLabel(event.target.value)} maxLength={200} />
      <div className="grid2">
        <form className="card" onSubmit={create} aria-label="Create a workspace">
          <h2>Start fresh</h2>
          <p className="muted">A new workspace, with a new encryption key made on this device.</p>
          <button type="submit" className="primary" disabled={busy}>
            Create a workspace
          </button>
        </form>
        <form className="card" onSubmit={join} aria-label="Join a workspace">
          <h2>Join with a link</h2>
          <label htmlFor="share-link">Share link</label>
          <input id="share-link" value={link} onChange={(event) => setLink(event.target.value)} placeholder="https://…/pair#ws=…" />
          <p>
            <button type="submit" disabled={busy || !link}>
              Join
            </button>
          </p>
        </form>
      </div>
      <div className="grid2">
        <form className="card" onSubmit={recover} aria-label="Use a recovery kit">
          <h2>Use a recovery kit</h2>
          <p className="muted">Lost the device that created the workspace? Its recovery kit makes this device the master.</p>
          <label htmlFor="recovery-kit">Recovery kit</label>
          <textarea
            id="recovery-kit"
            rows={5}
            value={kit}
            onChange={(event) => setKit(event.target.value)}
            placeholder="Quire recovery kit…"
          />
          <QrScanButton onScan={setKit} />
          <p>
            <button type="submit" disabled={busy || !kit}>
              Recover the workspace
            </button>
          </p>
        </form>
        <ImportExportForm label={label} />
      </div>
      <div className="grid2">
        <form className="card" onSubmit={restore} aria-label="Restore a server backup">
          <h2>Restore a server backup</h2>
          <label htmlFor="backup-file">Backup file</label>
          <input id="backup-file" type="file" onChange={(event) => setBackupFile(event.target.files?.[0] ?? null)} />
          <label htmlFor="backup-key">Workspace key (from the recovery kit)</label>
          <input id="backup-key" value={backupKey} onChange={(event) => setBackupKey(event.target.value)} />
          <p>
            <button type="submit" disabled={busy || !backupFile || !backupKey}>
              Restore
            </button>
          </p>
        </form>
      </div>
    </section>
  )
}
