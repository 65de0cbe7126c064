/**
 * A plain text field (the title) as text operations: each input event changes one stretch of
 * the field, found from what the field showed before and where the caret is now, and applied
 * to the LoroText as that one edit. Remote edits move the caret with the text around it.
 */
import type { Delta, LoroText } from "loro-crdt"

export interface Splice {
  readonly start: number
  readonly deleted: number
  readonly inserted: string
}

/** The one edit from `before` to `after`; `caret` (after the edit) settles which of equal characters were typed. */
export const spliceOf = (before: string, after: string, caret: number = after.length): Splice => {
  const most = Math.min(before.length, after.length)
  let start = 0
  while (start < most && start < caret && before[start] === after[start]) start++
  let suffix = 0
  while (suffix < most - start && after.length - suffix > caret && before[before.length - 1 - suffix] === after[after.length - 1 - suffix])
    suffix++
  return { start, deleted: before.length - start - suffix, inserted: after.slice(start, after.length - suffix) }
}

export const applySplice = (text: LoroText, { start, deleted, inserted }: Splice): void => {
  if (deleted > 0) text.delete(start, deleted)
  if (inserted !== "") text.insert(start, inserted)
}

/** Where `position` lands after `delta`; text inserted exactly there goes after it. */
export const mapThrough = (delta: ReadonlyArray<Delta<string>>, position: number): number => {
  let before = 0
  let after = 0
  for (const op of delta) {
    if (op.retain !== undefined) {
      if (position <= before + op.retain) return after + (position - before)
      before += op.retain
      after += op.retain
    } else if (op.insert !== undefined) {
      if (position === before) return after
      after += op.insert.length
    } else if (op.delete !== undefined) {
      if (position < before + op.delete) return after
      before += op.delete
    }
  }
  return after + (position - before)
}
