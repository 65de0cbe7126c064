/** The note's body: CodeMirror bound to the body's LoroText. */
import { EditorState } from "@codemirror/state"
import { EditorView } from "@codemirror/view"
import type { Extension } from "@codemirror/state"
import { useEffect, useRef, type RefObject } from "react"
import "./editor.css"
import { bodyExtensions } from "./BodyExtensions.js"
import type { LiveNote } from "./LiveNote.js"

const noMore: ReadonlyArray<Extension> = []

export function BodyEditor({
  live,
  readOnly,
  more = noMore,
  autoFocus = false,
  viewRef
}: {
  live: LiveNote
  readOnly: boolean
  more?: ReadonlyArray<Extension>
  autoFocus?: boolean
  /** Set to the editor while it exists: what is inserted later (a file's link) goes through it. */
  viewRef?: RefObject<EditorView | null>
}) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const state = EditorState.create({ doc: live.body.toString(), extensions: bodyExtensions(live, readOnly, more) })
    const view = new EditorView({ state, parent: host.current! })
    let open = true
    // loro-codemirror skips the first update after its start-up check (meant for its own
    // dispatch, which it leaves out when the texts already agree): this empty one is that
    // update, so the first keystroke is never the one skipped.
    queueMicrotask(() => open && view.dispatch({}))
    if (autoFocus) view.focus()
    if (viewRef) viewRef.current = view
    return () => {
      open = false
      if (viewRef?.current === view) viewRef.current = null
      view.destroy()
    }
  }, [live, readOnly, more, autoFocus, viewRef])
  return <div ref={host} className="body-editor" />
}
