import { useCallback, useEffect, useRef, useState } from "react"

/**
 * Saves the latest value without piling up writes: while one save runs, newer values wait
 * and only the last is written next. Every keystroke is durable within a few milliseconds;
 * until it is, `saving` is true and leaving the page asks first.
 */
export const useLatestSave = <T>(save: (value: T) => Promise<void>, onSettled: () => void) => {
  const running = useRef(false)
  const next = useRef<{ value: T } | null>(null)
  const [saving, setSaving] = useState(false)
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
      setSaving(false)
      onSettled()
    }
  }, [save, onSettled])
  const schedule = useCallback(
    (value: T) => {
      next.current = { value }
      setSaving(true)
      void pump()
    },
    [pump]
  )
  useEffect(() => {
    if (!saving) return
    const holdOn = (event: BeforeUnloadEvent) => event.preventDefault()
    addEventListener("beforeunload", holdOn)
    return () => removeEventListener("beforeunload", holdOn)
  }, [saving])
  // Reads only refs, so it never changes: effects can depend on it without running on every render.
  const isBusy = useCallback(() => running.current || next.current !== null, [])
  return { schedule, saving, isBusy }
}
