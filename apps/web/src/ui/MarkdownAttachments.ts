/**
 * `attachment:` links in notes: `![name](attachment:<fileId>)` embeds an image, `[name](attachment:<fileId>)`
 * offers a file. Markdown cannot know the file's state (on this device, being fetched, damaged):
 * the renderer asks `env.attachment` and draws what it answers. Buttons carry the file id for
 * the preview's click handler (saving a file, trying a fetch again).
 */
import type MarkdownIt from "markdown-it"
import type StateCore from "markdown-it/lib/rules_core/state_core.mjs"
import type Token from "markdown-it/lib/token.mjs"
import { formatSize } from "./fileSize.js"

/** What the preview shows for one attachment link. */
export type AttachmentShown =
  | { readonly kind: "image"; readonly url: string; readonly name: string }
  | { readonly kind: "file"; readonly fileId: string; readonly name: string; readonly size: number }
  /** On its way: a short line said politely. */
  | { readonly kind: "waiting"; readonly text: string }
  /** Stuck until something changes: said at once, with a way to try again. */
  | { readonly kind: "failed"; readonly fileId: string; readonly text: string }
  | { readonly kind: "unknown" }

export interface AttachmentsEnv {
  readonly attachment?: (fileId: string) => AttachmentShown
}

const fileIdOf = (href: string | null) => /^attachment:([A-Za-z0-9_-]+)$/.exec(href ?? "")?.[1]

const textOf = (tokens: ReadonlyArray<Token>) =>
  tokens.map((token) => (token.type === "text" || token.type === "code_inline" ? token.content : "")).join("")

export const attachmentLinks = (markdown: MarkdownIt) => {
  // Each link or image to an attachment becomes one token, whatever its label holds.
  markdown.core.ruler.after("inline", "attachments", (state: StateCore) => {
    for (const block of state.tokens) {
      if (block.type !== "inline" || !block.children) continue
      const out: Array<Token> = []
      const children = block.children
      for (let i = 0; i < children.length; i++) {
        const token = children[i]!
        const image = token.type === "image" ? fileIdOf(token.attrGet("src")) : undefined
        const link = token.type === "link_open" ? fileIdOf(token.attrGet("href")) : undefined
        if (image === undefined && link === undefined) {
          out.push(token)
          continue
        }
        const attachment = new state.Token("attachment", "", 0)
        attachment.meta = { fileId: image ?? link }
        if (image !== undefined) attachment.content = token.content
        else {
          const close = children.findIndex((candidate, at) => at > i && candidate.type === "link_close")
          const end = close < 0 ? children.length : close
          attachment.content = textOf(children.slice(i + 1, end))
          i = end
        }
        out.push(attachment)
      }
      block.children = out
    }
  })

  markdown.renderer.rules.attachment = (tokens, index, _options, env: AttachmentsEnv) => {
    const token = tokens[index]!
    const escape = markdown.utils.escapeHtml
    const fileId = escape((token.meta as { fileId: string }).fileId)
    const shown = env.attachment?.((token.meta as { fileId: string }).fileId)
    switch (shown?.kind) {
      case "image":
        return `<img class="attachment-image" src="${escape(shown.url)}" alt="${escape(shown.name)}">`
      case "file":
        return `<button type="button" class="attachment-file" data-attachment-save="${fileId}" title="Save ${escape(shown.name)}">📎 ${escape(shown.name)} <span class="muted">(${formatSize(shown.size)})</span></button>`
      case "waiting":
        return `<span class="attachment-note" role="status">${escape(shown.text)}</span>`
      case "failed":
        return `<span class="attachment-note failed" role="alert">${escape(shown.text)} <button type="button" data-attachment-retry="${fileId}">Try again</button></span>`
      case "unknown":
        return `<span class="attachment-note failed">${escape(token.content || "File")}: attachment not found</span>`
      case undefined:
        return escape(token.content)
    }
  }
}
