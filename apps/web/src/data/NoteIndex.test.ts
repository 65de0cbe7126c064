/** The list row's preview reads only the start of a long body, and says the same as reading all of it. */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { previewOf } from "./NoteIndex.js"

const wholePreview = (body: string) => body.replace(/\s+/g, " ").trim().slice(0, 160)

const chunk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(" ", "\n", "\t", "  \n  "),
  fc.nat(3000).map((n) => " ".repeat(n)),
  fc.nat(3000).map((n) => "word ".repeat(n))
)

describe("previewOf", () => {
  it("equals the preview of the whole body, whatever whitespace and length", () => {
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), (parts) => {
        const body = parts.join("")
        expect(previewOf(body)).toBe(wholePreview(body))
      }),
      { numRuns: 300 }
    )
  })
})
