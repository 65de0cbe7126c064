/** The note's body: CodeMirror bound to the body's LoroText. */
import { EditorState } from "@codemirror/state"
import { EditorView } from "@codemirror/view"
import { useEffect, useRef } from "react"
import "./editor.css"
import { bodyExtensions } from "./BodyExtensions.js"
import type { LiveNote } from "./LiveNote.js"

export function BodyEditor({ live, readOnly, autoFocus = false }: { live: LiveNote; readOnly: boolean; autoFocus?: boolean }) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const state = EditorState.create({ doc: live.body.toString(), extensions: bodyExtensions(live, readOnly) })
    const view = new EditorView({ state, parent: host.current! })
    let open = true
    // loro-codemirror skips the first update after its start-up check (meant for its own
    // dispatch, which it leaves out when the texts already agree): this empty one is that
    // update, so the first keystroke is never the one skipped.
    queueMicrotask(() => open && view.dispatch({}))
    if (autoFocus) view.focus()
    return () => {
      open = false
      view.destroy()
    }
  }, [live, readOnly, autoFocus])
  return <div ref={host} className="body-editor" />
}
