/**
 * The note list and search at 10,000 notes in Chromium: every note reachable by scrolling
 * (virtualized, so the page holds a few dozen rows at a time), title matches ranked first,
 * typos forgiven, matches marked in a snippet.
 */
import * as path from "node:path"
import type { BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { seedWorkspace } from "../support/SeededWorkspace.js"
import { chromiumPath, chromiumPerSuite, newDevice, screenshot, screenshotDir } from "./Chromium.js"

const corpusSize = Number(process.env.LIST_TEST_NOTES ?? 10_000)

const list = (page: Page) => page.getByRole("list", { name: "Notes" })
const titlesIn = (page: Page) => list(page).locator(".title").allTextContents()
const search = (page: Page, text: string) => page.getByLabel("Search notes").fill(text)

describe.skipIf(!chromiumPath)("a list of 10,000 notes, and search, in Chromium", () => {
  const suite = chromiumPerSuite()
  let context: BrowserContext
  let page: Page
  let count = 0

  beforeAll(async () => {
    const seeded = await seedWorkspace(suite.app.url, corpusSize, { title: "The very first note", body: "Written before all others." }, [
      { title: "Weekend chores", body: "Clean the quincunx planter, then water it." },
      { title: "Quincunx", body: "Five trees planted in a square with one in the middle." },
      { title: "Garden layout", body: "Maybe a quincunx of apple trees by the fence." }
    ])
    count = seeded.count
    context = await newDevice(suite.browser, suite.app.url)
    page = await context.newPage()
    await page.goto(seeded.link)
    await page.getByText(`${count} notes`).waitFor({ timeout: 120_000 })
  }, 600_000)

  afterAll(async () => {
    await context?.close()
  })

  it("shows every note, virtualized, down to the first one written", async () => {
    await page.goto("/")
    await page.getByText(`${count} notes`).waitFor()
    expect(await list(page).locator("li").count()).toBeLessThan(60)
    // Scroll to the end until the list stops growing (rows are measured as they appear).
    await expect
      .poll(
        async () => {
          await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
          return (await titlesIn(page)).at(-1)
        },
        { timeout: 30_000 }
      )
      .toBe("The very first note")
    const lastIndex = await list(page).locator("li").last().getAttribute("data-index")
    expect(Number(lastIndex)).toBe(count - 1)
    expect(await list(page).locator("li").count()).toBeLessThan(60)
    // The viewport only: the whole page is as tall as ten thousand cards.
    await page.screenshot({ path: path.join(screenshotDir, "30-list-end.png") })
  })

  it("ranks a note with the word in its title first, and marks the word in each snippet", async () => {
    await page.goto("/")
    await search(page, "quincunx")
    await page.getByText("3 notes matching “quincunx”").waitFor()
    const titles = await titlesIn(page)
    expect(titles[0]).toBe("Quincunx")
    expect(titles.slice(1).sort()).toEqual(["Garden layout", "Weekend chores"])
    await expect.poll(() => list(page).locator("mark").allTextContents()).toContain("quincunx")
    await screenshot(page, "31-search-ranked")
  })

  it("forgives typos and finds a word by its start", async () => {
    await page.goto("/")
    await search(page, "qiuncunx")
    await page.getByText("3 notes matching “qiuncunx”").waitFor()
    expect((await titlesIn(page))[0]).toBe("Quincunx")
    await search(page, "quincu")
    await page.getByText("3 notes matching “quincu”").waitFor()
    expect((await titlesIn(page))[0]).toBe("Quincunx")
    await search(page, "quincunx fence")
    await page.getByText("1 note matching “quincunx fence”").waitFor()
    expect(await titlesIn(page)).toEqual(["Garden layout"])
  })
})
