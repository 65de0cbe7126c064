/**
 * Places in the body where text will be inserted later (a file's link once the file is stored,
 * seconds after it was dropped): each is mapped through every edit made meanwhile, typed here or
 * merged from another device, so the link lands where the file was dropped, not where that
 * offset has moved to.
 */
import { StateEffect, StateField, type EditorState } from "@codemirror/state"
import type { EditorView } from "@codemirror/view"

const place = StateEffect.define<{ readonly id: number; readonly at: number }>()
const release = StateEffect.define<number>()

/** The body editor's extension that keeps the points. */
export const insertionPoints = StateField.define<ReadonlyMap<number, number>>({
  create: () => new Map(),
  update(points, transaction) {
    const effects = transaction.effects.filter((effect) => effect.is(place) || effect.is(release))
    if (effects.length === 0 && (points.size === 0 || transaction.changes.empty)) return points
    // Text typed at a point goes after it: the file appears where it was put, before what was typed since.
    const next = new Map([...points].map(([id, at]) => [id, transaction.changes.mapPos(at, -1)]))
    for (const effect of effects) {
      if (effect.is(place)) next.set(effect.value.id, effect.value.at)
      else if (effect.is(release)) next.delete(effect.value)
    }
    return next
  }
})

let lastId = 0

/** Marks `at` (the caret when not given) and returns the mark's id; `undefined` if the view lacks the field. */
export const markInsertionPoint = (view: EditorView, at?: number): number | undefined => {
  if (view.state.field(insertionPoints, false) === undefined) return undefined
  const id = ++lastId
  view.dispatch({ effects: place.of({ id, at: at ?? view.state.selection.main.head }) })
  return id
}

export const insertionPointOf = (state: EditorState, id: number): number | undefined => state.field(insertionPoints, false)?.get(id)

export const releaseInsertionPoint = (view: EditorView, id: number) => {
  if (insertionPointOf(view.state, id) !== undefined) view.dispatch({ effects: release.of(id) })
}

/**
 * Inserts `text` on a line of its own at mark `id` (the end of the body when the mark is gone),
 * and moves the mark past it, so the next file of the same drop follows this one.
 */
export const insertAtPoint = (view: EditorView, id: number | undefined, text: string) => {
  const doc = view.state.doc
  const marked = id === undefined ? undefined : insertionPointOf(view.state, id)
  const at = marked ?? doc.length
  const before = at > 0 && doc.sliceString(at - 1, at) !== "\n" ? "\n" : ""
  const after = at < doc.length && doc.sliceString(at, at + 1) === "\n" ? "" : "\n"
  const insert = `${before}${text}${after}`
  const caret = view.state.selection.main
  view.dispatch({
    changes: { from: at, insert },
    // A caret where the file went moves past its link, as after a paste of text.
    ...(caret.empty && caret.head === at ? { selection: { anchor: at + insert.length } } : {}),
    ...(marked === undefined ? {} : { effects: place.of({ id: id!, at: at + insert.length }) })
  })
}
