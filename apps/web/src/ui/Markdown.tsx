/** Renders a note's Markdown. Raw HTML in notes is shown as text, never run. */
import MarkdownIt from "markdown-it"

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })

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

export function Markdown({ source }: { source: string }) {
  return <div className="preview-pane" aria-label="Rendered preview" dangerouslySetInnerHTML={{ __html: markdown.render(source) }} />
}
