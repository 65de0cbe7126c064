/**
 * Two additions to the Markdown of notes: `[[links]]` to other notes, and task list items
 * (`- [ ]`, `- [x]`) drawn as checkboxes that know their source line, so the preview can tick them.
 */
import type MarkdownIt from "markdown-it"
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs"

/** How the preview shows a link: the note it opens, or nothing when no note has that title. */
export type ResolveLink = (text: string) => { readonly id: string; readonly title: string } | undefined

export interface NotesEnv {
  readonly resolveLink?: ResolveLink
}

const escapeAttribute = (text: string) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

export const wikiLinks = (markdown: MarkdownIt) => {
  markdown.inline.ruler.before("link", "wikilink", (state, silent) => {
    const match = /^\[\[([^[\]\n]+)\]\]/.exec(state.src.slice(state.pos))
    if (!match) return false
    if (!silent) {
      const token = state.push("wikilink", "", 0)
      token.content = match[1]!.trim()
    }
    state.pos += match[0].length
    return true
  })
  markdown.renderer.rules.wikilink = (tokens, index, _options, env: NotesEnv) => {
    const text = tokens[index]!.content
    const target = env.resolveLink?.(text)
    const escape = markdown.utils.escapeHtml
    return target
      ? `<a href="/notes/${encodeURIComponent(target.id)}" class="note-link" data-note-id="${escapeAttribute(target.id)}">${escape(target.title || text)}</a>`
      : `<a href="#" class="note-link missing" data-missing="${escapeAttribute(text)}" title="No note has this title yet">${escape(text)}</a>`
  }
}

export const taskLists = (markdown: MarkdownIt) => {
  markdown.core.ruler.after("inline", "tasks", (state: StateCore) => {
    const tokens = state.tokens
    for (let i = 2; i < tokens.length; i++) {
      const [item, paragraph, inline] = [tokens[i - 2]!, tokens[i - 1]!, tokens[i]!]
      if (inline.type !== "inline" || paragraph.type !== "paragraph_open" || item.type !== "list_item_open" || !item.map) continue
      const first = inline.children?.[0]
      const box = /^\[([ xX])\] /.exec(first?.type === "text" ? first.content : "")
      if (!first || !box) continue
      first.content = first.content.slice(box[0].length)
      const label = markdown.utils.escapeHtml(inline.content.slice(box[0].length))
      const input = new state.Token("html_inline", "", 0)
      input.content = `<input type="checkbox" class="task" data-line="${item.map[0]}"${box[1] === " " ? "" : " checked"} aria-label="${label}"> `
      inline.children!.unshift(input)
    }
  })
}
