/**
 * The `links` rows of a note: one per distinct `[[link]]` in its body, with the note it was
 * made for (when the link was picked from the completion list) and its text lowercased, so
 * "Linked from" finds links by target id, and hand-typed ones by title.
 */
import type { LinkRow } from "./QuireDb.js"

const wikiLink = /\[\[([^[\]\n]+)\]\]/g

/** The link texts of a body, each once, in order. */
export const linkTextsOf = (body: string): Array<string> => [...new Set(Array.from(body.matchAll(wikiLink), (match) => match[1]!.trim()))]

export const linkRowsOf = (from: string, body: string, targets: ReadonlyMap<string, string>): Array<LinkRow> =>
  linkTextsOf(body)
    .filter((text) => text !== "")
    .map((text) => {
      const to = targets.get(text)
      return { from, text, title: text.toLowerCase(), ...(to === undefined ? {} : { to }) }
    })
