/** Brings a device export back as a new workspace, with progress and clear errors. */
import { useNavigate } from "@tanstack/react-router"
import { exportIsSealed } from "@quire/shared"
import { Either } from "effect"
import { useState, type FormEvent } from "react"
import { useRegistry } from "../app/Registry.js"
import { setImportProgress, useImportProgress } from "../app/ImportProgress.js"
import { messageOf } from "../messageOf.js"

export function ImportExportForm({ label }: { label: string }) {
  const registry = useRegistry()
  const navigate = useNavigate()
  const [file, setFile] = useState<File | null>(null)
  const [sealed, setSealed] = useState(false)
  const [passphrase, setPassphrase] = useState("")
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const progress = useImportProgress()

  const choose = async (chosen: File | null) => {
    setFile(chosen)
    setError(null)
    if (!chosen) return
    const head = new Uint8Array(await chosen.slice(0, 8).arrayBuffer())
    const isSealed = exportIsSealed(head)
    if (isSealed === undefined) setError("This file is not a Quire export.")
    setSealed(isSealed === true)
  }

  const importFile = async (file: File) => {
    const { importExportFile } = await import("../backup/WorkspaceImport.js")
    const bytes = new Uint8Array(await file.arrayBuffer())
    try {
      const imported = await importExportFile(registry, location.origin, label, bytes, sealed ? passphrase : undefined, (done, total) =>
        setImportProgress({ done, total })
      )
      if (Either.isLeft(imported)) return setError(imported.left.message)
      const missing = imported.right.notImported
      // The export was made without these (the person chose so): say which, rather than let them look lost.
      if (missing.length > 0) {
        return setNotice(
          `Imported. ${missing.length} attached ${missing.length === 1 ? "file was" : "files were"} not in the export: ${missing.map((f) => f.name).join(", ")}.`
        )
      }
    } finally {
      setImportProgress(null)
    }
    await navigate({ to: "/" })
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    if (!file) return
    setError(null)
    // importFile shows the expected failures; this shows the rest (the file unreadable, storage full mid-import).
    importFile(file).catch((thrown: unknown) => setError(`The import stopped: ${messageOf(thrown)}`))
  }

  return (
    <form className="card" onSubmit={submit} aria-label="Import an export">
      <h2>Import an export</h2>
      <p className="muted">A file exported from Quire becomes a new workspace on this device.</p>
      <label htmlFor="import-file">Export file</label>
      <input
        id="import-file"
        type="file"
        onChange={(event) => void choose(event.target.files?.[0] ?? null).catch(() => setError("This file could not be read."))}
      />
      {sealed && (
        <>
          <label htmlFor="import-passphrase">Passphrase</label>
          <input id="import-passphrase" type="password" value={passphrase} onChange={(event) => setPassphrase(event.target.value)} />
        </>
      )}
      {notice && (
        <div className="banner" role="status">
          {notice}{" "}
          <button type="button" onClick={() => void navigate({ to: "/" })}>
            Open the workspace
          </button>
        </div>
      )}
      {error && (
        <div className="banner error" role="alert">
          {error}
        </div>
      )}
      <p>
        <button type="submit" disabled={!file || progress !== null || (sealed && !passphrase)}>
          Import
        </button>
      </p>
    </form>
  )
}
