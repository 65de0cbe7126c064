/** Renders a note's Markdown. Raw HTML in notes is shown as text, never run. */
import MarkdownIt from "markdown-it"
import type { MouseEvent } from "react"
import { attachmentLinks, type AttachmentShown } from "./MarkdownAttachments.js"
import { taskLists, wikiLinks, type ResolveLink } from "./MarkdownNotes.js"

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true }).use(wikiLinks).use(taskLists).use(attachmentLinks)

/**
 * An image from another site would tell it that, and when, the note was opened (a tracker),
 * and the page's CSP blocks it anyway: it shows as a link to what it points at instead.
 */
const isLocalImage = (src: string) => /^(data:|blob:|attachment:)/i.test(src) || src.startsWith("/")
markdown.renderer.rules.image = (tokens, index, options, _env, self) => {
  const token = tokens[index]!
  const src = token.attrGet("src") ?? ""
  if (isLocalImage(src)) return self.renderToken(tokens, index, options)
  const alt = self.renderInlineAsText(token.children ?? [], options, _env) || src
  return `<a href="${markdown.utils.escapeHtml(src)}" rel="noopener noreferrer" target="_blank" class="remote-image">🖼 ${markdown.utils.escapeHtml(alt)}</a>`
}

/**
 * `resolveLink` turns `[[links]]` into links to notes, `attachment` says how each attached file
 * shows; clicks on links, task boxes and attachments' buttons go to `onClick`.
 */
export function Markdown({
  source,
  resolveLink,
  attachment,
  onClick
}: {
  source: string
  resolveLink?: ResolveLink
  attachment?: (fileId: string) => AttachmentShown
  onClick?: (event: MouseEvent<HTMLDivElement>) => void
}) {
  return (
    <div
      className="preview-pane"
      aria-label="Rendered preview"
      onClick={onClick}
      dangerouslySetInnerHTML={{ __html: markdown.render(source, { resolveLink, attachment }) }}
    />
  )
}
