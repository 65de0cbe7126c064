import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readAhead } from "./ReadAhead.js"

interface Page {
  readonly n: number
  readonly bytes: number
}

/** Pages 0..count-1, each answered when the test releases it; records what was asked and when. */
const source = (count: number, bytes = 10) => {
  const asked: Array<number> = []
  const release = new Map<number, (page: Page) => void>()
  const fail = new Map<number, (error: Error) => void>()
  const fetchPage = (n: number) =>
    new Promise<Page>((resolve, reject) => {
      asked.push(n)
      release.set(n, resolve)
      fail.set(n, reject)
    })
  const ahead = (maxBytes: number) =>
    readAhead(
      fetchPage(0),
      (page) => page.n < count - 1,
      (page) => fetchPage(page.n + 1),
      (page) => page.bytes,
      maxBytes
    )
  const answer = (n: number) => release.get(n)!({ n, bytes })
  return { asked, ahead, answer, fail: (n: number, error: Error) => fail.get(n)!(error) }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe("readAhead", () => {
  it("hands over every page that arrived while the caller was busy, in order, then nothing", async () => {
    const pages = source(4)
    const ahead = pages.ahead(1000)
    pages.answer(0)
    expect((await ahead.take()).map((p) => p.n)).toEqual([0])
    pages.answer(1)
    await settle()
    pages.answer(2)
    await settle()
    pages.answer(3)
    await settle()
    expect((await ahead.take()).map((p) => p.n)).toEqual([1, 2, 3])
    expect(await ahead.take()).toEqual([])
  })

  it("asks for no page past its byte bound until the caller takes what waits", async () => {
    const pages = source(10, 10)
    const ahead = pages.ahead(25)
    for (const n of [0, 1, 2]) {
      pages.answer(n)
      await settle()
    }
    // 30 bytes wait, past the bound of 25: page 3 is not asked for.
    expect(pages.asked).toEqual([0, 1, 2])
    expect((await ahead.take()).map((p) => p.n)).toEqual([0, 1, 2])
    await settle()
    expect(pages.asked).toEqual([0, 1, 2, 3])
  })

  it("gives the pages fetched before a failure first, then the failure", async () => {
    const pages = source(5)
    const ahead = pages.ahead(1000)
    pages.answer(0)
    await settle()
    pages.answer(1)
    await settle()
    pages.fail(2, new Error("offline"))
    await settle()
    expect((await ahead.take()).map((p) => p.n)).toEqual([0, 1])
    await expect(ahead.take()).rejects.toThrow("offline")
  })

  it("asks for nothing more once stopped", async () => {
    const pages = source(10, 10)
    const ahead = pages.ahead(15)
    pages.answer(0)
    await settle()
    pages.answer(1)
    await settle()
    ahead.stop()
    await ahead.take()
    await settle()
    expect(pages.asked).toEqual([0, 1])
  })

  it("whatever the timing, every page arrives exactly once and in order", async () => {
    const timing = fc.array(fc.constantFrom("answer", "take"), { maxLength: 40 })
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), timing, fc.integer({ min: 5, max: 60 }), async (count, steps, bound) => {
        const pages = source(count, 10)
        const ahead = pages.ahead(bound)
        const got: Array<number> = []
        let answered = 0
        let taking: Promise<void> | undefined
        const take = () =>
          (taking ??= ahead.take().then((taken) => {
            got.push(...taken.map((page) => page.n))
            taking = undefined
          }))
        // The random steps, then answers and takes until every page was answered and taken.
        const rest = Array.from({ length: count * 3 }, (_, i) => (i % 2 === 0 ? "answer" : "take"))
        for (const step of [...steps, ...rest]) {
          if (step === "answer" && pages.asked.length > answered) pages.answer(answered++)
          else void take()
          await settle()
        }
        await taking
        expect(await ahead.take()).toEqual([])
        expect(got).toEqual(Array.from({ length: count }, (_, i) => i))
      }),
      { numRuns: 100 }
    )
  })
})
