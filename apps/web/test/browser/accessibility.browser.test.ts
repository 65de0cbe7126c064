/**
 * Themes and accessibility in Chromium: the app follows the system's light or dark scheme
 * unless the setting says otherwise, and every screen passes axe-core's WCAG 2 A and AA rules
 * (contrast included) with no serious or critical violation, in both themes.
 */
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { seriousViolations } from "./Axe.js"
import { chromiumPath, chromiumPerSuite, createNoteIn, createWorkspaceIn, screenshot } from "./Chromium.js"

const themeOf = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme)

const checkScreen = async (page: Page, path: string, ready: (page: Page) => Promise<void>) => {
  await page.goto(path)
  await ready(page)
  expect(await seriousViolations(page), `${path} in ${await themeOf(page)}`).toEqual([])
}

const heading = (name: string) => (page: Page) => page.getByRole("heading", { name, level: 1 }).waitFor()

describe.skipIf(!chromiumPath)("themes and accessibility in Chromium", () => {
  const suite = chromiumPerSuite()

  it("follows the system's scheme, and the setting in Appearance overrides it on this device", async () => {
    const { page } = await suite.device()
    await page.emulateMedia({ colorScheme: "dark" })
    await createWorkspaceIn(page)
    expect(await themeOf(page)).toBe("dark")
    await page.emulateMedia({ colorScheme: "light" })
    await expect.poll(() => themeOf(page)).toBe("light")

    await page.goto("/settings/appearance")
    await page.getByRole("radio", { name: "Dark" }).check()
    expect(await themeOf(page)).toBe("dark")
    await page.reload()
    await page.getByRole("radio", { name: "Dark" }).waitFor()
    expect(await themeOf(page)).toBe("dark")
    expect(await page.getByRole("radio", { name: "Dark" }).isChecked()).toBe(true)
    // The page's colours really change, not only the attribute.
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    const dark = await background()
    await page.getByRole("radio", { name: "Light" }).check()
    expect(await background()).not.toBe(dark)
    await page.getByRole("radio", { name: "Match the system" }).check()
    expect(await themeOf(page)).toBe("light")
  })

  for (const scheme of ["light", "dark"] as const) {
    it(`every screen passes axe-core (WCAG 2 AA, contrast included) in the ${scheme} theme`, async () => {
      const welcome = await suite.device()
      await welcome.page.emulateMedia({ colorScheme: scheme })
      await checkScreen(welcome.page, "/welcome", heading("Welcome to Quire"))

      const { page } = await suite.device()
      await page.emulateMedia({ colorScheme: scheme })
      await createWorkspaceIn(page)
      const id = await createNoteIn(
        page,
        "Week plan",
        "# Monday\n\nBuy **bread** and _milk_, see [the shop](https://example.com).\n\n- [ ] call Sam\n- [x] book tickets\n\n```js\nconst total = 2 + 3 // sum\n```\n\n> a quote"
      )
      await createNoteIn(page, "Second note", "short")
      await checkScreen(page, "/", (p) => p.getByRole("list", { name: "Notes" }).getByText("Week plan").waitFor())
      await checkScreen(page, `/notes/${id}`, (p) => p.locator(".body-editor .cm-line").first().waitFor())
      await page.locator(".body-editor .cm-line").nth(4).click()
      await screenshot(page, `editor-${scheme}`)
      await page.getByRole("button", { name: "Preview" }).click()
      await page.getByLabel("Rendered preview").locator("strong").waitFor()
      expect(await seriousViolations(page), `preview in ${scheme}`).toEqual([])
      await screenshot(page, `preview-${scheme}`)
      await page.getByRole("button", { name: "History" }).click()
      await page.getByRole("region", { name: "Version history" }).getByRole("listitem").first().waitFor()
      expect(await seriousViolations(page), `history in ${scheme}`).toEqual([])
      await checkScreen(page, "/trash", heading("Trash"))
      await checkScreen(page, "/settings/devices", heading("Devices"))
      await checkScreen(page, "/settings/backup", heading("Backup"))
      await checkScreen(page, "/settings/appearance", heading("Appearance"))
      // The check itself sees contrast: faint text added to the page is reported.
      await page.evaluate(() => {
        const faint = document.createElement("p")
        faint.textContent = "hard to read"
        Object.assign(faint.style, { color: "#9a9a9a", background: "#a0a0a0" })
        document.querySelector("main")!.append(faint)
      })
      expect((await seriousViolations(page)).some((line) => line.startsWith("color-contrast"))).toBe(true)
    })
  }
})
