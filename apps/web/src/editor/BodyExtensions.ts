/**
 * What the body editor is made of: Markdown (code blocks in other languages highlighted once
 * their grammar loads, on demand), the binding to the body's LoroText, and undo through
 * Loro's UndoManager instead of CodeMirror's own history.
 */
import { defaultKeymap } from "@codemirror/commands"
import { markdown, markdownLanguage } from "@codemirror/lang-markdown"
import { syntaxHighlighting } from "@codemirror/language"
import { languages } from "@codemirror/language-data"
import { EditorState, Prec, type Extension } from "@codemirror/state"
import { EditorView, keymap, placeholder } from "@codemirror/view"
import { classHighlighter } from "@lezer/highlight"
import { LoroSyncPlugin, LoroUndoPlugin } from "loro-codemirror"
import type { UndoManager } from "loro-crdt"
import type { LiveNote } from "./LiveNote.js"
import { scopedTo } from "./ScopedDoc.js"

/**
 * Undo and redo called straight on the UndoManager, from the key handler. loro-codemirror's
 * own keys run it inside a CodeMirror state update, and its changes then arrive as a second
 * update nested in the first, which the current CodeMirror refuses (the view breaks).
 */
const undoKeys = (undo: UndoManager) => {
  const back = () => (undo.undo(), true)
  const forward = () => (undo.redo(), true)
  return Prec.highest(
    keymap.of([
      { key: "Mod-z", run: back, preventDefault: true },
      { key: "Mod-y", mac: "Mod-Shift-z", run: forward, preventDefault: true },
      { key: "Mod-Shift-z", run: forward, preventDefault: true }
    ])
  )
}

export const bodyExtensions = (live: LiveNote, readOnly: boolean, more: ReadonlyArray<Extension> = []): Extension => {
  const doc = scopedTo(live.doc, live.body.id, () => live.stamp(Date.now()))
  const body = () => live.body
  return [
    LoroSyncPlugin(doc, body),
    LoroUndoPlugin(doc, live.undo, body),
    undoKeys(live.undo),
    markdown({ base: markdownLanguage, codeLanguages: languages }),
    syntaxHighlighting(classHighlighter),
    EditorView.lineWrapping,
    keymap.of(defaultKeymap),
    placeholder("Write in Markdown…"),
    EditorView.contentAttributes.of({ "aria-label": "Body", "aria-multiline": "true" }),
    EditorState.readOnly.of(readOnly),
    EditorView.editable.of(!readOnly),
    ...more
  ]
}
