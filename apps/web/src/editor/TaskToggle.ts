/** Ticking a task box in the preview: the one character between its brackets, as a text operation. */
import type { LiveNote } from "./LiveNote.js"

const taskItem = /^(\s*(?:[-*+]|\d+[.)])\s+\[)([ xX])\]/

/** Ticks or unticks the task list item starting on source line `line` (0-based); false if there is none there. */
export const toggleTask = (live: LiveNote, line: number, now: number): boolean => {
  const text = live.body.toString()
  let start = 0
  for (let i = 0; i < line; i++) {
    const next = text.indexOf("\n", start)
    if (next < 0) return false
    start = next + 1
  }
  const end = text.indexOf("\n", start)
  const item = taskItem.exec(text.slice(start, end < 0 ? undefined : end))
  if (!item) return false
  const at = start + item[1]!.length
  live.body.delete(at, 1)
  live.body.insert(at, item[2] === " " ? "x" : " ")
  live.stamp(now)
  live.doc.commit()
  return true
}
