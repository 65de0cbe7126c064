import MarkdownIt from "markdown-it"
import { describe, expect, it } from "vitest"
import { attachmentLinks, type AttachmentShown, type AttachmentsEnv } from "./MarkdownAttachments.js"

const markdown = new MarkdownIt({ html: false }).use(attachmentLinks)
const fileId = "0123456789abcdef0123456789abcdef"
const render = (source: string, shown?: (id: string) => AttachmentShown) =>
  markdown.render(source, (shown ? { attachment: shown } : {}) satisfies AttachmentsEnv).trim()

describe("attachment links in Markdown", () => {
  it("an image link shows the image the preview opened, named by its alt text", () => {
    const html = render(`![beach <1>.png](attachment:${fileId})`, () => ({ kind: "image", url: "blob:http://x/1", name: "beach <1>.png" }))
    expect(html).toBe('<p><img class="attachment-image" src="blob:http://x/1" alt="beach &lt;1&gt;.png"></p>')
  })

  it("a file link becomes a button carrying the file id, whatever its label holds", () => {
    const html = render(`[the *tickets*](attachment:${fileId}) and more`, (id) => ({
      kind: "file",
      fileId: id,
      name: "tickets.pdf",
      size: 2048
    }))
    expect(html).toContain(`<button type="button" class="attachment-file" data-attachment-save="${fileId}"`)
    expect(html).toContain('📎 tickets.pdf <span class="muted">(2 KB)</span></button> and more')
    expect(html).not.toContain("<em>")
  })

  it("a file on its way is a status line; one that failed is an alert with Try again; an unknown id says so", () => {
    expect(render(`![a](attachment:${fileId})`, () => ({ kind: "waiting", text: "Fetching a…" }))).toBe(
      '<p><span class="attachment-note" role="status">Fetching a…</span></p>'
    )
    const failed = render(`![a](attachment:${fileId})`, (id) => ({ kind: "failed", fileId: id, text: "Not on the server yet." }))
    expect(failed).toContain('role="alert">Not on the server yet. <button type="button" data-attachment-retry="')
    expect(render(`[ghost](attachment:${fileId})`, () => ({ kind: "unknown" }))).toBe(
      '<p><span class="attachment-note failed">ghost: attachment not found</span></p>'
    )
  })

  it("without a resolver the label is plain text, and other links and images are left alone", () => {
    expect(render(`![a <b>](attachment:${fileId})`)).toBe("<p>a &lt;b&gt;</p>")
    expect(render("[site](https://example.com) ![x](/x.png)")).toBe(
      '<p><a href="https://example.com">site</a> <img src="/x.png" alt="x"></p>'
    )
  })
})
