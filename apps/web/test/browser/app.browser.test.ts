/** The PWA in Chromium, end to end: real server, real IndexedDB, real service worker. */
import { strFromU8, unzipSync } from "fflate"
import { readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import type { BrowserContext, Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import {
  bodyTextOf,
  chromiumPath,
  chromiumPerSuite,
  createNoteIn,
  createWorkspaceIn,
  screenshot,
  waitForServiceWorker,
  waitUntilSaved
} from "./Chromium.js"

const titlesIn = (page: Page) => page.getByRole("list", { name: "Notes" }).locator(".title").allTextContents()

/** Opens the devices screen, creates a share link and returns it. */
const shareLinkFrom = async (page: Page) => {
  await page.goto("/settings/devices")
  await page.getByRole("button", { name: "Create share link" }).click()
  const field = page.getByLabel("Share link", { exact: true })
  await expect.poll(() => field.inputValue()).toContain("/pair#ws=")
  return field.inputValue()
}

const pairNewDevice = async (device: () => Promise<{ context: BrowserContext; page: Page }>, link: string) => {
  const { context, page } = await device()
  await page.goto(link)
  await page.getByRole("button", { name: "New note" }).waitFor()
  return { context, page }
}

describe.skipIf(!chromiumPath)("Quire in Chromium", () => {
  const suite = chromiumPerSuite()
  const { device } = suite

  it("creates a workspace and a note, and previews its Markdown", async () => {
    const { page } = await device()
    await page.goto("/")
    await page.getByRole("heading", { name: "Welcome to Quire" }).waitFor()
    await screenshot(page, "01-welcome")
    await createWorkspaceIn(page)
    await screenshot(page, "02-empty-list")
    await createNoteIn(page, "Groceries", "# This week\n\n- milk\n- **eggs**")
    await page.getByLabel("Tags").fill("home, errands")
    await page.getByLabel("Tags").press("Enter")
    await screenshot(page, "03-editor")
    await page.getByRole("button", { name: "Preview" }).click()
    await expect.poll(() => page.getByLabel("Rendered preview").locator("strong").textContent()).toBe("eggs")
    await screenshot(page, "04-preview")
    await page.getByRole("link", { name: "← Notes" }).click()
    await expect.poll(() => titlesIn(page)).toEqual(["Groceries"])
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 15_000 }).toBe("Synced")
    await screenshot(page, "05-list")
  })

  it("starts and shows its notes with no network, and keeps edits made offline", async () => {
    const { context, page } = await device()
    await createWorkspaceIn(page)
    const id = await createNoteIn(page, "Offline ready", "written online")
    await waitForServiceWorker(page)
    await context.setOffline(true)
    await page.goto("/")
    await expect.poll(() => titlesIn(page)).toEqual(["Offline ready"])
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toMatch(/Offline/)
    await page.goto(`/notes/${id}`)
    await page.getByLabel("Body").fill("edited with no network")
    await waitUntilSaved(page)
    await page.reload()
    await expect.poll(() => bodyTextOf(page)).toBe("edited with no network")
    await screenshot(page, "06-offline-editor")
    await context.setOffline(false)
  })

  it("an edit made offline reaches a second device, paired with a share link, once back online", async () => {
    const { context, page } = await device()
    await createWorkspaceIn(page, "Laptop")
    const id = await createNoteIn(page, "Trip", "Pack: shoes")
    const link = await shareLinkFrom(page)
    await screenshot(page, "07-share-link")
    const phone = await pairNewDevice(device, link)
    await expect.poll(() => titlesIn(phone.page), { timeout: 20_000 }).toEqual(["Trip"])
    await screenshot(phone.page, "08-paired-device")

    await waitForServiceWorker(page)
    await context.setOffline(true)
    await page.goto(`/notes/${id}`)
    await page.getByLabel("Body").fill("Pack: shoes, passport")
    await waitUntilSaved(page)
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toMatch(/Offline \(\d+ pending\)/)
    await context.setOffline(false)
    await page.getByRole("button", { name: "Sync now" }).click()
    await phone.page.goto(`/notes/${id}`)
    await expect.poll(() => bodyTextOf(phone.page), { timeout: 30_000 }).toBe("Pack: shoes, passport")
  })

  it("two tabs of one profile: one sync leader, and both lists update live", async () => {
    const { context, page } = await device()
    await createWorkspaceIn(page)
    const second = await context.newPage()
    await second.goto("/")
    await second.getByRole("button", { name: "New note" }).waitFor()
    const locks = () =>
      page.evaluate(async () => {
        const state = await navigator.locks.query()
        const ours = (list: ReadonlyArray<LockInfo> | undefined) => (list ?? []).filter((l) => l.name?.startsWith("quire-sync-leader-"))
        return { held: ours(state.held).length, pending: ours(state.pending).length }
      })
    // Each tab's worker asks for the leader lock; one holds it, the other waits its turn.
    await expect.poll(locks).toEqual({ held: 1, pending: 1 })
    await createNoteIn(page, "From tab one", "")
    await expect.poll(() => titlesIn(second)).toEqual(["From tab one"])
    await createNoteIn(second, "From tab two", "")
    await page.goto("/")
    await expect.poll(async () => (await titlesIn(page)).sort()).toEqual(["From tab one", "From tab two"])
  })

  it("a removed device shows that it was removed and keeps its notes", async () => {
    const { page } = await device()
    await createWorkspaceIn(page, "Laptop")
    await createNoteIn(page, "Shared note", "both devices have this")
    const phone = await pairNewDevice(device, await shareLinkFrom(page))
    await expect.poll(() => titlesIn(phone.page), { timeout: 20_000 }).toEqual(["Shared note"])

    await page.goto("/settings/devices")
    await screenshot(page, "09-devices")
    page.once("dialog", (dialog) => void dialog.accept())
    await page.getByRole("button", { name: /^Remove Browser paired/ }).click()
    await expect.poll(() => page.getByText("removed").count()).toBe(1)

    await phone.page.getByRole("button", { name: "Sync now" }).click()
    await phone.page.getByRole("alert").filter({ hasText: "no longer part of the workspace" }).waitFor({ timeout: 30_000 })
    expect(await titlesIn(phone.page)).toEqual(["Shared note"])
    await screenshot(phone.page, "10-revoked-device")
  })

  it("export with a passphrase, then import into a fresh profile: the same notes", async () => {
    const { page } = await device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Alpha", "first body")
    await createNoteIn(page, "Beta", "second body\nwith two lines")
    await page.goto("/settings/backup")
    await page.getByLabel("Passphrase (optional)").fill("a long passphrase")
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export workspace" }).click()])
    const file = path.join(tmpdir(), `quire-export-${Date.now()}.quire`)
    await download.saveAs(file)
    await screenshot(page, "11-backup")

    const fresh = await device()
    await fresh.page.goto("/welcome")
    const garbage = path.join(tmpdir(), `not-quire-${Date.now()}.txt`)
    await writeFile(garbage, "hello, I am not an export")
    await fresh.page.getByLabel("Export file").setInputFiles(garbage)
    await fresh.page.getByText("This file is not a Quire export.").waitFor()

    await fresh.page.getByLabel("Export file").setInputFiles(file)
    await fresh.page.getByLabel("Passphrase").fill("the wrong one")
    await fresh.page.getByRole("button", { name: "Import" }).click()
    await fresh.page.getByText(/passphrase is wrong/).waitFor()
    await fresh.page.getByLabel("Passphrase").fill("a long passphrase")
    await fresh.page.getByRole("button", { name: "Import" }).click()
    await expect.poll(async () => (await titlesIn(fresh.page)).sort(), { timeout: 20_000 }).toEqual(["Alpha", "Beta"])
    await fresh.page.getByRole("link", { name: /Beta/ }).click()
    await expect.poll(() => bodyTextOf(fresh.page)).toBe("second body\nwith two lines")
    expect((await readFile(file)).includes(Buffer.from("second body"))).toBe(false)
  })

  it("searches titles and bodies, restores a past version, and exports Markdown", async () => {
    const { page } = await device()
    await createWorkspaceIn(page)
    const id = await createNoteIn(page, "Recipe", "flour, water, salt")
    await createNoteIn(page, "Reading list", "Dune; The Dispossessed")
    await page.goto("/")
    await page.getByLabel("Search notes").fill("dispossessed")
    await expect.poll(() => titlesIn(page)).toEqual(["Reading list"])
    await page.getByLabel("Search notes").fill("salt flour")
    await expect.poll(() => titlesIn(page)).toEqual(["Recipe"])
    await screenshot(page, "12-search")

    await page.goto(`/notes/${id}`)
    await page.getByLabel("Title").fill("Bread recipe")
    await waitUntilSaved(page)
    await page.getByRole("button", { name: "History" }).click()
    await page.getByRole("region", { name: "Version history" }).getByText("Recipe", { exact: true }).first().waitFor()
    await screenshot(page, "13-history")
    await page
      .getByRole("region", { name: "Version history" })
      .getByRole("button", { name: /^Restore the version/ })
      .first()
      .click()
    await expect.poll(() => page.getByLabel("Title").inputValue()).not.toBe("Bread recipe")

    await page.goto("/settings/backup")
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export as Markdown (zip)" }).click()
    ])
    const zip = path.join(tmpdir(), `quire-md-${Date.now()}.zip`)
    await download.saveAs(zip)
    const files = unzipSync(new Uint8Array(await readFile(zip)))
    const names = Object.keys(files).sort()
    expect(names).toEqual(expect.arrayContaining(["reading-list.md"]))
    expect(strFromU8(files["reading-list.md"]!)).toContain("Dune; The Dispossessed")
    expect(strFromU8(files["reading-list.md"]!)).toMatch(/^---\ntitle: "Reading list"/)

    const [backup] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download server backup" }).click()
    ])
    const backupFile = path.join(tmpdir(), `quire-backup-${Date.now()}.qbak`)
    await backup.saveAs(backupFile)
    expect((await readFile(backupFile)).subarray(0, 4).toString()).toBe("QBAK")
  })

  it("registers its service worker and serves a valid, installable manifest", async () => {
    const { page } = await device()
    await page.goto("/welcome")
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(`${suite.app.url}/`)
    const manifestHref = await page.locator('link[rel="manifest"]').getAttribute("href")
    const manifest = await page.evaluate(async (href) => (await fetch(href!)).json(), manifestHref)
    expect(manifest).toMatchObject({ name: "Quire", short_name: "Quire", start_url: "/", display: "standalone" })
    const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes)
    expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]))
    for (const icon of manifest.icons as Array<{ src: string; type: string }>) {
      const response = await page.request.get(icon.src)
      expect(response.status(), icon.src).toBe(200)
      expect(response.headers()["content-type"]).toBe(icon.type)
    }
    const precached = await page.evaluate(async () => {
      const keys = await Promise.all((await caches.keys()).map(async (name) => (await caches.open(name)).keys()))
      return keys.flat().map((request) => new URL(request.url).pathname)
    })
    expect(precached.some((p) => p.endsWith(".wasm"))).toBe(true)
    expect(precached).toContain("/index.html")
  })
})
