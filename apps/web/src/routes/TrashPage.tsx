/** Trashed notes: restore one, delete one forever, or empty the trash (which always asks first). */
import { useLiveQuery } from "dexie-react-hooks"
import { useState } from "react"
import { useSession } from "../app/Session.js"
import { sortNotes } from "../data/NoteIndex.js"
import { messageOf } from "../messageOf.js"

export function TrashPage() {
  const { db, repository } = useSession()
  const rows = useLiveQuery(() => db.notes.where("trashed").equals(1).toArray(), [db])
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)

  const act = async (work: () => Promise<void>) => {
    setBusy(true)
    setProblem(null)
    try {
      await work()
    } catch (error) {
      setProblem(`That did not work: ${messageOf(error)}`)
    } finally {
      setBusy(false)
    }
  }

  const emptyTrash = () =>
    act(async () => {
      const ids = (rows ?? []).map((row) => row.id)
      if (ids.length === 0) return
      if (!window.confirm(`Delete ${ids.length} ${ids.length === 1 ? "note" : "notes"} forever, on every device? This cannot be undone.`))
        return
      const repo = await repository()
      for (const id of ids) await repo.deleteForever(id)
    })

  return (
    <section>
      <h1>Trash</h1>
      <div className="toolbar">
        <button type="button" className="danger" onClick={() => void emptyTrash()} disabled={busy || !rows?.length}>
          Empty trash
        </button>
      </div>
      {problem && (
        <div className="banner error" role="alert">
          {problem}
        </div>
      )}
      {rows === undefined ? null : rows.length === 0 ? (
        <p className="muted">The trash is empty.</p>
      ) : (
        <ul className="list" aria-label="Trashed notes">
          {sortNotes(rows).map((row) => (
            <li key={row.id} className="row">
              <span>
                <strong>{row.title || "Untitled"}</strong> <span className="muted">{row.preview}</span>
              </span>
              <span style={{ display: "flex", gap: "0.4rem" }}>
                <button
                  type="button"
                  aria-label={`Restore ${row.title || "Untitled"}`}
                  disabled={busy}
                  onClick={() => void act(async () => (await repository()).restore(row.id))}
                >
                  Restore
                </button>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Delete ${row.title || "Untitled"} forever`}
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      if (window.confirm(`Delete “${row.title || "Untitled"}” forever?`)) await (await repository()).deleteForever(row.id)
                    })
                  }
                >
                  Delete forever
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
