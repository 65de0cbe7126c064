/** Keyboard shortcuts and the quick switcher, in Chromium. */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { seriousViolations } from "./Axe.js"
import { chromiumPath, chromiumPerSuite, createNoteIn, createWorkspaceIn, screenshot } from "./Chromium.js"

const pathOf = (page: Page) => new URL(page.url()).pathname

/** The shortcuts load just after the first paint. */
const shortcutsReady = (page: Page) => page.waitForFunction(() => document.documentElement.dataset.shortcuts === "ready")

describe.skipIf(!chromiumPath)("keyboard shortcuts in Chromium", () => {
  const suite = chromiumPerSuite()

  it("Ctrl+K finds a note by title as you type, Enter opens the first and the arrows pick another; Escape goes back to the list", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Alpha recipe", "flour")
    const beta = await createNoteIn(page, "Beta plan", "steps")
    await createNoteIn(page, "Beta archive", "old")
    await page.goto("/")
    await page.getByRole("list", { name: "Notes" }).getByText("Beta plan").waitFor()
    await shortcutsReady(page)

    await page.keyboard.press("Control+k")
    const switcher = page.getByRole("dialog", { name: "Quick switcher" })
    await switcher.waitFor()
    await page.keyboard.type("plan bet")
    await expect.poll(() => switcher.getByRole("option").allTextContents()).toEqual(["Beta plan"])
    await page.keyboard.press("Backspace")
    await page.keyboard.press("Backspace")
    await page.keyboard.press("Backspace")
    await page.keyboard.press("Backspace")
    await expect.poll(() => switcher.getByRole("option").allTextContents()).toEqual(["Beta plan"])
    await page.getByRole("combobox", { name: "Find a note by title" }).fill("beta")
    await expect.poll(() => switcher.getByRole("option").allTextContents()).toEqual(["Beta archive", "Beta plan"])
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, "quick-switcher")
    // Enter opens the first: the most recently edited of the two.
    await page.keyboard.press("Enter")
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("Beta archive")
    expect(await switcher.count()).toBe(0)
    // From the editor too; the arrows move the highlight.
    await page.keyboard.press("Control+k")
    await page.keyboard.type("beta")
    await expect.poll(() => switcher.getByRole("option").count()).toBe(2)
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect.poll(() => pathOf(page)).toBe(`/notes/${beta}`)
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("Beta plan")

    // Escape from the editor, with the caret in the body, goes back to the list.
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("Escape")
    await expect.poll(() => pathOf(page)).toBe("/")
  })

  it("Ctrl+N starts a note, Ctrl+F searches the list, and ? lists every shortcut", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await shortcutsReady(page)
    await page.keyboard.press("Control+n")
    await expect.poll(() => pathOf(page)).toMatch(/^\/notes\/[0-9a-f-]{36}$/)
    await page.getByLabel("Title").fill("Made with the keyboard")
    await page.keyboard.press("Control+f")
    await expect.poll(() => pathOf(page)).toBe("/")
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Search notes")
    await page.keyboard.type("keyboard")
    await expect
      .poll(() => page.getByRole("list", { name: "Notes" }).locator(".title").allTextContents())
      .toEqual(["Made with the keyboard"])

    // `?` in a field types a question mark; elsewhere it opens the list of shortcuts.
    await page.keyboard.type("?")
    expect(await page.getByRole("dialog").count()).toBe(0)
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await page.keyboard.press("?")
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" })
    await help.waitFor()
    const listed = (await help.getByRole("rowheader").allTextContents()).join(" ")
    for (const key of ["Ctrl+K", "Ctrl+N", "Ctrl+F", "Escape", "?"]) expect(listed).toContain(key)
    expect(await seriousViolations(page)).toEqual([])
    await page.keyboard.press("Escape")
    await expect.poll(() => help.count()).toBe(0)
    expect(pathOf(page)).toBe("/")
  })
})
