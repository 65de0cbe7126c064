/** "Linked from": every note whose body links here, by this note's id or, for links typed by hand, its title. */
import { Link } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import type { QuireDb } from "../data/QuireDb.js"

export function Backlinks({ db, noteId, title }: { db: QuireDb; noteId: string; title: string }) {
  const linking = useLiveQuery(async () => {
    const byId = await db.links.where("to").equals(noteId).toArray()
    const byTitle = title.trim() ? await db.links.where("title").equals(title.trim().toLowerCase()).toArray() : []
    const from = [...new Set([...byId, ...byTitle.filter((link) => link.to === undefined)].map((link) => link.from))]
    const rows = await db.notes.bulkGet(from.filter((id) => id !== noteId))
    return rows.flatMap((row) => (row && !row.trashed ? [row] : [])).sort((a, b) => b.updatedAt - a.updatedAt)
  }, [db, noteId, title])
  return (
    <section className="card" aria-label="Linked from">
      <h2>Linked from</h2>
      {linking && linking.length === 0 && <p className="muted">No note links here yet. Type [[ in another note to link it.</p>}
      {linking && linking.length > 0 && (
        <ul className="backlinks">
          {linking.map((row) => (
            <li key={row.id}>
              <Link to="/notes/$noteId" params={{ noteId: row.id }}>
                {row.title || "Untitled"}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
