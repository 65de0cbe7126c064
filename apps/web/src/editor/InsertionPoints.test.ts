import { EditorState, type TransactionSpec } from "@codemirror/state"
import type { EditorView } from "@codemirror/view"
import { describe, expect, it } from "vitest"
import { insertAtPoint, insertionPointOf, insertionPoints, markInsertionPoint, releaseInsertionPoint } from "./InsertionPoints.js"

/** Just what the insertion points use of a view: its state and dispatch (no DOM in node). */
const viewOf = (doc: string, caret = doc.length) => {
  const view = {
    state: EditorState.create({ doc, selection: { anchor: caret }, extensions: [insertionPoints] }),
    dispatch(spec: TransactionSpec) {
      view.state = view.state.update(spec).state
    }
  }
  return view as typeof view & EditorView
}

describe("insertion points", () => {
  it("a file's link lands where it was dropped, before text typed there since, and the next file follows it", () => {
    const view = viewOf("first\nsecond", 0)
    const mark = markInsertionPoint(view, 6)!
    view.dispatch({ changes: { from: 0, insert: "typed " } })
    view.dispatch({ changes: { from: 12, insert: "here " } })
    insertAtPoint(view, mark, "![a](attachment:a)")
    insertAtPoint(view, mark, "[b](attachment:b)")
    expect(view.state.doc.toString()).toBe("typed first\n![a](attachment:a)\n[b](attachment:b)\nhere second")
    releaseInsertionPoint(view, mark)
    expect(insertionPointOf(view.state, mark)).toBeUndefined()
  })

  it("at the caret, the link goes on a line of its own and the caret moves past it", () => {
    const view = viewOf("Our picture:")
    const mark = markInsertionPoint(view)!
    insertAtPoint(view, mark, "![beach.png](attachment:x)")
    expect(view.state.doc.toString()).toBe("Our picture:\n![beach.png](attachment:x)\n")
    expect(view.state.selection.main.head).toBe(view.state.doc.length)
  })

  it("without a mark (the editor was made again meanwhile), the link goes at the end", () => {
    const view = viewOf("text", 0)
    insertAtPoint(view, undefined, "[f](attachment:f)")
    expect(view.state.doc.toString()).toBe("text\n[f](attachment:f)\n")
  })
})
