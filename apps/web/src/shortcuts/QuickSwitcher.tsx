/**
 * Ctrl/Cmd+K: a search box that finds notes by title as you type; Enter opens the highlighted
 * one (the first unless arrows moved), a click opens any. Reads only the list rows, never Loro.
 */
import { useNavigate } from "@tanstack/react-router"
import { useLiveQuery } from "dexie-react-hooks"
import { useId, useState } from "react"
import { useSession } from "../app/Session.js"
import { Modal } from "./Modal.js"

const shown = 12

export default function QuickSwitcher({ onClose }: { onClose: () => void }) {
  const { db } = useSession()
  const navigate = useNavigate()
  const [query, setQuery] = useState("")
  const [active, setActive] = useState(0)
  const listId = useId()
  const rows = useLiveQuery(() => db.notes.where("trashed").equals(0).toArray(), [db])
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  const found = (rows ?? [])
    .filter((row) => words.every((word) => row.title.toLowerCase().includes(word)))
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, shown)
  const open = (noteId: string) => {
    onClose()
    void navigate({ to: "/notes/$noteId", params: { noteId } })
  }
  const current = Math.min(active, Math.max(0, found.length - 1))
  return (
    <Modal label="Quick switcher" onClose={onClose}>
      <input
        type="search"
        role="combobox"
        aria-label="Find a note by title"
        aria-expanded={found.length > 0}
        aria-controls={listId}
        aria-activedescendant={found[current] ? `${listId}-${current}` : undefined}
        autoFocus
        placeholder="Find a note by title"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          setActive(0)
        }}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown") setActive(Math.min(current + 1, found.length - 1))
          else if (event.key === "ArrowUp") setActive(Math.max(current - 1, 0))
          else if (event.key === "Enter" && found[current]) open(found[current].id)
          else return
          event.preventDefault()
        }}
      />
      <ul id={listId} role="listbox" aria-label="Notes found" className="switcher-results">
        {found.map((row, index) => (
          <li
            key={row.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === current}
            onClick={() => open(row.id)}
            onMouseEnter={() => setActive(index)}
          >
            {row.title || "Untitled"}
          </li>
        ))}
      </ul>
      {rows && found.length === 0 && <p className="muted">No note has that in its title.</p>}
    </Modal>
  )
}
