/**
 * The editor on Loro, in Chromium: two profiles (two devices) in one note, typing at once,
 * synced through the real server.
 */
import type { BrowserContext, Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { bodyTextOf, chromiumPath, chromiumPerSuite, createNoteIn, createWorkspaceIn, screenshot, waitUntilSaved } from "./Chromium.js"

const pairedDevice = async (device: () => Promise<{ context: BrowserContext; page: Page }>, laptop: Page) => {
  await laptop.goto("/settings/devices")
  await laptop.getByRole("button", { name: "Create share link" }).click()
  const field = laptop.getByLabel("Share link", { exact: true })
  await expect.poll(() => field.inputValue()).toContain("/pair#ws=")
  const phone = await device()
  await phone.page.goto(await field.inputValue())
  await phone.page.getByRole("button", { name: "New note" }).waitFor()
  return phone.page
}

/** Puts the caret at the end of the body's line `line` (0-based) and keeps focus there. */
const caretAtEndOfLine = async (page: Page, line: number) => {
  await page.locator(".body-editor .cm-line").nth(line).click()
  await page.keyboard.press("End")
}

/** Two devices with the same note open, once each shows `body`. */
const twoDevicesOn = async (device: () => Promise<{ context: BrowserContext; page: Page }>, title: string, body: string) => {
  const { page: laptop } = await device()
  await createWorkspaceIn(laptop, "Laptop")
  const id = await createNoteIn(laptop, title, body)
  const phone = await pairedDevice(device, laptop)
  await phone.goto(`/notes/${id}`)
  await laptop.goto(`/notes/${id}`)
  await expect.poll(() => bodyTextOf(phone), { timeout: 30_000 }).toBe(body)
  await expect.poll(() => bodyTextOf(laptop)).toBe(body)
  return { laptop, phone }
}

describe.skipIf(!chromiumPath)("the note editor in Chromium", () => {
  const suite = chromiumPerSuite()

  it("two devices type at once in different places: both texts survive, the first typist's caret stays, undo takes back only its own typing", async () => {
    const { laptop, phone } = await twoDevicesOn(suite.device, "Plans", "alpha\n\nomega")
    // The laptop types at the end of the note; the phone, at the same time, earlier in it:
    // the phone's text lands before the laptop's caret, which must stay where it is in the text.
    await caretAtEndOfLine(laptop, 2)
    await caretAtEndOfLine(phone, 0)
    const laptopTyping = laptop.keyboard.type(" typed on the laptop", { delay: 40 })
    await new Promise((resolve) => setTimeout(resolve, 150))
    await Promise.all([laptopTyping, phone.keyboard.type(" and the phone", { delay: 40 })])
    const both = "alpha and the phone\n\nomega typed on the laptop"
    await expect.poll(() => bodyTextOf(laptop), { timeout: 30_000 }).toBe(both)
    await expect.poll(() => bodyTextOf(phone), { timeout: 30_000 }).toBe(both)

    // The laptop's caret is still right after what it typed.
    await laptop.keyboard.type("!")
    const withMark = "alpha and the phone\n\nomega typed on the laptop!"
    await expect.poll(() => bodyTextOf(laptop)).toBe(withMark)
    await expect.poll(() => bodyTextOf(phone), { timeout: 30_000 }).toBe(withMark)
    await screenshot(laptop, "editor-two-devices")

    // Undo on the phone takes back the phone's typing, and nothing of the laptop's, however
    // often it is pressed (remote changes arriving between keystrokes split the typing into steps).
    for (let i = 0; i < 20; i++) await phone.keyboard.press("Control+z")
    const undone = "alpha\n\nomega typed on the laptop!"
    await expect.poll(() => bodyTextOf(phone)).toBe(undone)
    await expect.poll(() => bodyTextOf(laptop), { timeout: 30_000 }).toBe(undone)
    // And redo brings it back, everywhere.
    for (let i = 0; i < 20; i++) await phone.keyboard.press("Control+y")
    await expect.poll(() => bodyTextOf(phone)).toBe(withMark)
    await expect.poll(() => bodyTextOf(laptop), { timeout: 30_000 }).toBe(withMark)
    await waitUntilSaved(phone)
  })

  it("a title edited on one device appears in the other's open title field, apart from the body", async () => {
    const { laptop, phone } = await twoDevicesOn(suite.device, "Draft", "the body stays")
    const laptopTitle = laptop.getByLabel("Title")
    await laptopTitle.click()
    await laptop.keyboard.press("End")
    await laptop.keyboard.type(" two")
    await expect.poll(() => phone.getByLabel("Title").inputValue(), { timeout: 30_000 }).toBe("Draft two")
    // The phone edits the start of the title while the laptop's caret sits at its end.
    await phone.getByLabel("Title").click()
    await phone.keyboard.press("Home")
    await phone.keyboard.type("First ")
    await expect.poll(() => laptopTitle.inputValue(), { timeout: 30_000 }).toBe("First Draft two")
    await laptop.keyboard.type("!")
    await expect.poll(() => laptopTitle.inputValue()).toBe("First Draft two!")
    expect(await bodyTextOf(laptop)).toBe("the body stays")
    await expect.poll(() => bodyTextOf(phone)).toBe("the body stays")
  })

  it("shows a past version in its own read-only view, and a restored version arrives in the open editor", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Drafts", "first draft")
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("Control+End")
    await page.keyboard.type(", then a second")
    await waitUntilSaved(page)
    await page.getByRole("button", { name: "History" }).click()
    const history = page.getByRole("region", { name: "Version history" })
    // The newest version is the note as it is; the oldest, the empty note it was created as.
    const versions = history.getByRole("listitem")
    await versions.first().getByRole("button", { name: "View" }).click()
    const past = page.getByRole("region", { name: "Past version" })
    await expect.poll(() => past.locator("pre").textContent()).toBe("first draft, then a second")
    await versions.last().getByRole("button", { name: "View" }).click()
    await expect.poll(() => past.locator("pre").textContent()).toBe("")
    // The live editor is untouched, and typing goes on where the caret was.
    expect(await bodyTextOf(page)).toBe("first draft, then a second")
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("Control+End")
    await page.keyboard.type(" and a third")
    await expect.poll(() => bodyTextOf(page)).toBe("first draft, then a second and a third")
    await waitUntilSaved(page)
    await screenshot(page, "editor-history")
    await versions
      .last()
      .getByRole("button", { name: /^Restore the version/ })
      .click()
    await expect.poll(() => bodyTextOf(page)).toBe("")
    await expect.poll(() => page.getByLabel("Title").inputValue()).toBe("")
  })
})
