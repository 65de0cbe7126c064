/** Renders a note's Markdown. Raw HTML in notes is shown as text, never run. */
import MarkdownIt from "markdown-it"

const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true })

export function Markdown({ source }: { source: string }) {
  return <div className="preview-pane" aria-label="Rendered preview" dangerouslySetInnerHTML={{ __html: markdown.render(source) }} />
}
