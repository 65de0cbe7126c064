/** Links between notes in Chromium: `[[` completion, opening links, renames, missing notes, "Linked from", task boxes. */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { seriousViolations } from "./Axe.js"
import { bodyTextOf, chromiumPath, chromiumPerSuite, createNoteIn, createWorkspaceIn, screenshot, waitUntilSaved } from "./Chromium.js"

const pathOf = (page: Page) => new URL(page.url()).pathname
const linkedFrom = (page: Page) => page.getByRole("region", { name: "Linked from" }).getByRole("link").allTextContents()
const preview = (page: Page) => page.getByLabel("Rendered preview")

describe.skipIf(!chromiumPath)("links between notes in Chromium", () => {
  const suite = chromiumPerSuite()

  it("[[ completes note titles, the link opens its note, survives a rename, and the target lists its backlinks", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    const target = await createNoteIn(page, "Target note", "I am linked to")
    await createNoteIn(page, "Another", "not this one")
    const source = await createNoteIn(page, "Source", "")
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.type("See [[targ")
    const options = page.getByRole("listbox").getByRole("option")
    await expect.poll(() => options.allTextContents()).toEqual(["Target note"])
    await screenshot(page, "wiki-link-completion")
    await page.keyboard.press("Enter")
    await expect.poll(() => bodyTextOf(page)).toBe("See [[Target note]]")
    await waitUntilSaved(page)

    await page.getByRole("button", { name: "Preview" }).click()
    await preview(page).getByRole("link", { name: "Target note" }).click()
    await expect.poll(() => pathOf(page)).toBe(`/notes/${target}`)
    await expect.poll(() => linkedFrom(page)).toEqual(["Source"])
    expect(await seriousViolations(page)).toEqual([])

    // Renamed, the target keeps its link: the source shows the new title and still opens it.
    await page.getByLabel("Title").fill("Renamed target")
    await waitUntilSaved(page)
    await page.goto(`/notes/${source}`)
    await page.getByRole("button", { name: "Preview" }).click()
    await preview(page).getByRole("link", { name: "Renamed target" }).click()
    await expect.poll(() => pathOf(page)).toBe(`/notes/${target}`)
    await expect.poll(() => linkedFrom(page)).toEqual(["Source"])
  })

  it("a link to a missing title offers to create that note, linked; a link typed by hand finds its note by title", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    const recipe = await createNoteIn(page, "Bread recipe", "flour")
    const source = await createNoteIn(page, "Plans", "Bake from [[bread recipe]], then write [[Brand new idea]]")
    await page.getByRole("button", { name: "Preview" }).click()
    expect(await preview(page).locator("a.missing").allTextContents()).toEqual(["Brand new idea"])
    page.once("dialog", (dialog) => void dialog.accept())
    await preview(page).getByRole("link", { name: "Brand new idea" }).click()
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("Brand new idea")
    const created = pathOf(page)
    expect(created).not.toBe(`/notes/${source}`)
    await expect.poll(() => linkedFrom(page)).toEqual(["Plans"])

    await page.goto(`/notes/${recipe}`)
    await expect.poll(() => linkedFrom(page)).toEqual(["Plans"])
    await page.goto(`/notes/${source}`)
    await page.getByRole("button", { name: "Preview" }).click()
    await preview(page).getByRole("link", { name: "Brand new idea" }).click()
    await expect.poll(() => pathOf(page)).toBe(created)
  })

  it("ticks a task in the preview as an edit of its one character", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Errands", "- [ ] call Sam\n- [x] book tickets")
    await page.getByRole("button", { name: "Preview" }).click()
    const call = preview(page).getByRole("checkbox", { name: "call Sam" })
    expect(await call.isChecked()).toBe(false)
    await call.click()
    await expect.poll(() => call.isChecked()).toBe(true)
    await preview(page).getByRole("checkbox", { name: "book tickets" }).click()
    await waitUntilSaved(page)
    await page.getByRole("button", { name: "Preview" }).click()
    await expect.poll(() => bodyTextOf(page)).toBe("- [x] call Sam\n- [ ] book tickets")
    await page.reload()
    await expect.poll(() => bodyTextOf(page)).toBe("- [x] call Sam\n- [ ] book tickets")
  })
})
