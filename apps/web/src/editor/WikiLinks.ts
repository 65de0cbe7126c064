/**
 * `[[` in the body opens a list of note titles; picking one inserts `[[Title]]` and binds that
 * link text to the note's id in the same Loro change, so renaming the note keeps the link.
 */
import { autocompletion, type Completion, type CompletionContext } from "@codemirror/autocomplete"
import type { EditorView } from "@codemirror/view"
import { setLinkTarget } from "@quire/schema"
import type { LiveNote } from "./LiveNote.js"

export interface LinkableNote {
  readonly id: string
  readonly title: string
}

/** A title a link can hold: brackets and line breaks would end the link early. */
const linkable = (title: string) => title.trim() !== "" && !/[[\]\n]/.test(title)

const shown = 30

export const wikiLinkCompletion = (live: LiveNote, notes: () => Promise<ReadonlyArray<LinkableNote>>) =>
  autocompletion({
    activateOnTyping: true,
    override: [
      async (context: CompletionContext) => {
        const typed = context.matchBefore(/\[\[[^[\]\n]*$/)
        if (!typed) return null
        const query = typed.text.slice(2).toLowerCase()
        const options: Array<Completion> = (await notes())
          .filter((note) => linkable(note.title) && note.title.toLowerCase().includes(query))
          .slice(0, shown)
          .map((note) => ({
            label: note.title,
            type: "text",
            apply: (view: EditorView, _completion: Completion, from: number, to: number) => {
              // Goes into the Loro change of the insertion below (the binding commits it).
              setLinkTarget(live.doc, note.title, note.id)
              const closing = view.state.sliceDoc(to, to + 2) === "]]" ? 2 : 0
              const link = `[[${note.title}]]`
              view.dispatch({ changes: { from, to: to + closing, insert: link }, selection: { anchor: from + link.length } })
            }
          }))
        return { from: typed.from, options, filter: false }
      }
    ]
  })
