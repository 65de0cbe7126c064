/**
 * The open note's live replica, fed by every change stored for it (other tabs, the sync
 * worker) and by what the sync worker pulls for it, which `arrivals` hands over before it is stored.
 */
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

/** Subscribes to the changes of one document the sync worker pulls (SyncClient.onArrived). */
export type Arrivals = (docId: string, listener: (bytes: Uint8Array) => void) => () => void

export const useLiveNote = (db: QuireDb, noteId: string, arrivals?: Arrivals): LiveNoteState => {
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
    const stopArrivals = arrivals?.(noteId, (bytes) => {
      try {
        live?.arrived(bytes)
      } catch {
        // The stored row brings the same change a moment later, and reports what is wrong with it.
      }
    })
    return () => {
      subscription.unsubscribe()
      stopArrivals?.()
      live?.close()
    }
  }, [db, noteId, arrivals])
  return state
}
