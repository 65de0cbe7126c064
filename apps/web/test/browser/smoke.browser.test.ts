import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Browser } from "playwright-core"
import { chromiumPath, createNoteIn, createWorkspaceIn, launchChromium, newDevice, screenshot, startAppServer, type AppServer } from "./Chromium.js"

describe.skipIf(!chromiumPath)("smoke", () => {
  let app: AppServer
  let browser: Browser
  beforeAll(async () => {
    app = await startAppServer()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })
  it("creates a workspace and a note", async () => {
    const context = await newDevice(browser, app.url)
    const page = await context.newPage()
    const logs: string[] = []
    page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`))
    page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`))
    page.on("response", (r) => r.status() >= 400 && logs.push(`${r.status()} ${r.url()}`))
    await createWorkspaceIn(page)
    await screenshot(page, "smoke-list-empty")
    const id = await createNoteIn(page, "First note", "Hello **world**")
    await screenshot(page, "smoke-editor")
    await page.goto("/")
    await page.getByText("First note").waitFor()
    await page.waitForTimeout(1500)
    await screenshot(page, "smoke-list")
    console.log(logs.join("\n"))
    console.log(await page.getByTestId("sync-state").textContent())
    expect(id.length).toBeGreaterThan(10)
  })
})
