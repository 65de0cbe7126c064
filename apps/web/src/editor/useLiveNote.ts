/** The open note's live replica, fed by every change stored for it (other tabs, the sync worker). */
import { liveQuery } from "dexie"
import { useEffect, useState } from "react"
import type { QuireDb } from "../data/QuireDb.js"
import { LiveNote } from "./LiveNote.js"
import { messageOf } from "../messageOf.js"

export type LiveNoteState =
  | { readonly status: "loading" }
  | { readonly status: "missing" }
  | { readonly status: "open"; readonly live: LiveNote }
  | { readonly status: "failed"; readonly message: string }

const failed = (error: unknown): LiveNoteState => ({ status: "failed", message: messageOf(error) })

export const useLiveNote = (db: QuireDb, noteId: string): LiveNoteState => {
  const [state, setState] = useState<LiveNoteState>({ status: "loading" })
  useEffect(() => {
    let live: LiveNote | undefined
    const subscription = liveQuery(() => db.docs.get(noteId)).subscribe({
      next: (row) => {
        try {
          if (live && row) live.absorb(row)
          else if (row) {
            live = new LiveNote(row)
            setState({ status: "open", live })
          } else if (!live) setState({ status: "missing" })
        } catch (error) {
          setState(failed(error))
        }
      },
      error: (error: unknown) => setState(failed(error))
    })
    return () => {
      subscription.unsubscribe()
      live?.close()
    }
  }, [db, noteId])
  return state
}
