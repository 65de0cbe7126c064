/**
 * The note's title: a plain input whose every edit is a text operation on the title's
 * LoroText, and which shows other devices' edits as they arrive with the caret kept in place.
 */
import { useEffect, useRef } from "react"
import { titleOrigin, type LiveNote } from "./LiveNote.js"
import { applySplice, mapThrough, spliceOf } from "./TextSplice.js"

export function TitleField({ live, readOnly }: { live: LiveNote; readOnly: boolean }) {
  const field = useRef<HTMLInputElement>(null)
  const shown = useRef("")

  useEffect(() => {
    const input = field.current!
    input.value = shown.current = live.title.toString()
    return live.title.subscribe((batch) => {
      if (batch.by === "local") return
      const focused = document.activeElement === input
      const [start, end] = [input.selectionStart ?? 0, input.selectionEnd ?? 0]
      const deltas = batch.events.flatMap((event) => (event.diff.type === "text" ? [event.diff.diff] : []))
      input.value = shown.current = live.title.toString()
      if (focused) {
        const map = (position: number) => deltas.reduce((at, delta) => mapThrough(delta, at), position)
        input.setSelectionRange(map(start), map(end))
      }
    })
  }, [live])

  return (
    <input
      id="note-title"
      ref={field}
      className="title-input"
      readOnly={readOnly}
      placeholder="Untitled"
      onInput={(event) => {
        const input = event.currentTarget
        applySplice(live.title, spliceOf(shown.current, input.value, input.selectionEnd ?? input.value.length))
        live.stamp(Date.now())
        live.doc.commit({ origin: titleOrigin })
        shown.current = input.value
      }}
    />
  )
}
