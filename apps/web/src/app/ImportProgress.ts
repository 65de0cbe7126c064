/** Progress of a long import, shown by the frame so it stays visible whichever screen is open. */
import { useSyncExternalStore } from "react"

type Progress = { readonly done: number; readonly total: number } | null

let current: Progress = null
const listeners = new Set<() => void>()

export const setImportProgress = (progress: Progress) => {
  current = progress
  for (const listener of listeners) listener()
}

const subscribe = (listener: () => void) => {
  listeners.add(listener)
  return () => {
    listeners.delete(listener)
  }
}

export const useImportProgress = () => useSyncExternalStore(subscribe, () => current)
