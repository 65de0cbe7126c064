/**
 * A search result's snippet: the stretch of the note's body around its first match, cut at
 * word boundaries, with every matched word marked. Plain parts, never HTML: the UI renders
 * marks as elements, so a note's text can never become markup.
 */

export interface SnippetPart {
  readonly text: string
  readonly hit: boolean
}

export type Snippet = ReadonlyArray<SnippetPart>

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** Characters of context kept before the first match; the whole snippet is at most `length`. */
const lead = 40

/**
 * `terms` are the note's words that matched (whole words, lowercase); `words` are what was typed,
 * marked where a word of the body only starts with them.
 */
export const snippetOf = (body: string, terms: ReadonlyArray<string>, words: ReadonlyArray<string> = [], length = 160): Snippet => {
  const text = body.replace(/\s+/g, " ").trim()
  const wanted = [...new Set([...terms, ...words].filter((t) => t !== ""))].sort((a, b) => b.length - a.length)
  if (wanted.length === 0 || text === "") return [{ text: text.slice(0, length), hit: false }]
  // Whole matched words, or words starting with what was typed: a letter inside a word is no match.
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${wanted.map(escapeRegExp).join("|")})[\\p{L}\\p{N}]*`, "giu")
  const first = text.search(pattern)
  let start = Math.max(0, first - lead)
  if (start > 0) {
    const space = text.indexOf(" ", start)
    start = space >= 0 && space < first ? space + 1 : start
  }
  let end = Math.min(text.length, start + length)
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end)
    end = space > start + length / 2 ? space : end
  }
  const window = text.slice(start, end)
  const parts: Array<SnippetPart> = []
  if (start > 0) parts.push({ text: "…", hit: false })
  let at = 0
  for (const match of window.matchAll(pattern)) {
    if (match.index > at) parts.push({ text: window.slice(at, match.index), hit: false })
    parts.push({ text: match[0], hit: true })
    at = match.index + match[0].length
  }
  if (at < window.length) parts.push({ text: window.slice(at), hit: false })
  if (end < text.length) parts.push({ text: "…", hit: false })
  return parts
}
