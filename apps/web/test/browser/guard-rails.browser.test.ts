/** What people lose notes to in other apps, tried in Chromium: leaving, eviction, lost devices, bad and oversized changes, remote images. */
import { encodeEnvelope, importWorkspaceKey, makeDocKeys, sealBlob } from "@quire/shared"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { parseRecoveryKit, type RecoveryKit } from "../../src/sync/RecoveryKit.js"
import { chromiumPath, chromiumPerSuite, createNoteIn, createWorkspaceIn, screenshot, waitUntilSaved } from "./Chromium.js"

const titlesIn = (page: Page) => page.getByRole("list", { name: "Notes" }).locator(".title").allTextContents()
const syncState = (page: Page) => page.getByTestId("sync-state").textContent()

/** Reads the recovery kit the way a person would: Devices → Show recovery kit. */
const recoveryKitOf = async (page: Page): Promise<RecoveryKit> => {
  await page.goto("/settings/devices")
  page.once("dialog", (dialog) => void dialog.accept())
  await page.getByRole("button", { name: "Show recovery kit" }).click()
  const kit = parseRecoveryKit((await page.getByLabel("Recovery kit text").textContent()) ?? "")
  if (typeof kit === "string") throw new Error(kit)
  return kit
}

describe.skipIf(!chromiumPath)("guard rails in Chromium", () => {
  const suite = chromiumPerSuite()
  const { device } = suite

  it("leave, then Cancel, deletes nothing; leaving for real ends at a welcome screen, and the next workspace starts empty", async () => {
    const { page } = await device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Keep me", "still here after Cancel")
    await page.goto("/settings/backup")
    page.once("dialog", (dialog) => void dialog.dismiss())
    await page.getByRole("button", { name: "Leave workspace" }).click()
    await page.getByRole("status").filter({ hasText: "Nothing was deleted." }).waitFor()
    await page.goto("/")
    await expect.poll(() => titlesIn(page)).toEqual(["Keep me"])
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe("Synced")

    await page.goto("/settings/backup")
    page.once("dialog", (dialog) => void dialog.accept())
    await page.getByRole("button", { name: "Leave workspace" }).click()
    await page.getByRole("button", { name: "Create a workspace" }).waitFor()
    expect(await page.getByRole("alert").filter({ hasText: "data is gone" }).count()).toBe(0)
    await page.getByRole("button", { name: "Create a workspace" }).click()
    await page.getByRole("button", { name: "New note" }).waitFor()
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe("Synced")
    expect(await titlesIn(page)).toEqual([])
  })

  it("says the browser evicted the data, and how to get it back, instead of starting empty without a word", async () => {
    const { context, page } = await device()
    await createWorkspaceIn(page)
    await createNoteIn(page, "Evicted", "the browser will clear this")
    await page.goto("/")
    const cdp = await context.newCDPSession(page)
    await cdp.send("Storage.clearDataForOrigin", {
      origin: suite.app.url,
      storageTypes: "indexeddb,local_storage,cache_storage,service_workers"
    })
    await page.reload()
    const alert = page.getByRole("alert").filter({ hasText: "data is gone" })
    await alert.waitFor()
    expect(await alert.textContent()).toMatch(/share link.*recovery kit.*backup/)
    await screenshot(page, "14-evicted")
  })

  it("a recovery kit brings the workspace to a new device as its master, which asks to save the new kit; the old master is shown it was removed", async () => {
    const { page: lost } = await device()
    await createWorkspaceIn(lost, "Lost laptop")
    await createNoteIn(lost, "Before the loss", "kept by the server")
    await expect.poll(() => syncState(lost), { timeout: 15_000 }).toBe("Synced")
    const kit = await recoveryKitOf(lost)

    const { page: rescued } = await device()
    await rescued.goto("/welcome")
    await rescued.getByLabel("Recovery kit", { exact: true }).fill((await lost.getByLabel("Recovery kit text").textContent()) ?? "")
    await rescued.getByRole("button", { name: "Recover the workspace" }).click()
    await rescued.getByRole("button", { name: "New note" }).waitFor()
    await expect.poll(() => titlesIn(rescued), { timeout: 20_000 }).toEqual(["Before the loss"])
    await rescued.getByRole("alert").filter({ hasText: "recovery kit you used no longer works" }).waitFor()
    await screenshot(rescued, "15-recovered")
    const fresh = await recoveryKitOf(rescued)
    expect(fresh.workspaceId).toBe(kit.workspaceId)
    expect(fresh.masterToken).not.toBe(kit.masterToken)
    await rescued.goto("/")
    expect(await rescued.getByRole("alert").filter({ hasText: "recovery kit you used" }).count()).toBe(0)

    await lost.goto("/")
    await lost.getByRole("button", { name: "Sync now" }).click()
    await lost.getByRole("alert").filter({ hasText: "no longer part of the workspace" }).waitFor({ timeout: 30_000 })
    expect(await titlesIn(lost)).toEqual(["Before the loss"])
  })

  it("a change that cannot be imported does not stop sync: later notes still arrive and the status says Synced", async () => {
    const { page } = await device()
    await createWorkspaceIn(page)
    const id = await createNoteIn(page, "Target", "a buggy device will write garbage into this note")
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe("Synced")
    const kit = await recoveryKitOf(page)
    // A buggy or newer device: a sealed envelope for this note whose Loro bytes make no sense.
    const key = await Effect.runPromise(importWorkspaceKey(kit.key))
    const keyOf = await Effect.runPromise(makeDocKeys(key))
    const data = await Effect.runPromise(
      sealBlob(key, encodeEnvelope([{ docId: id, bytes: new Uint8Array([0x6c, 0x6f, 0x72, 0x6f, 9, 9, 9, 9]) }]))
    )
    const pushed = await fetch(`${suite.app.url}/api/v1/workspaces/${kit.workspaceId}/changes`, {
      method: "POST",
      headers: { authorization: `Bearer ${kit.masterToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        changes: [
          {
            clientSeq: 900_000,
            key: Buffer.from(await Effect.runPromise(keyOf(id))).toString("base64url"),
            data: Buffer.from(data).toString("base64")
          }
        ]
      })
    })
    expect(pushed.status).toBe(200)
    await createNoteIn(page, "Written after the garbage", "")
    await page.goto("/")
    await page.getByRole("button", { name: "Sync now" }).click()
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toBe("Synced")
    expect((await titlesIn(page)).sort()).toEqual(["Target", "Written after the garbage"])
    const quarantined = await page.evaluate(async (workspaceId) => {
      const open = indexedDB.open(`quire-workspace-${workspaceId}`)
      const db = await new Promise<IDBDatabase>((resolve) => (open.onsuccess = () => resolve(open.result)))
      const count = db.transaction("quarantine").objectStore("quarantine").count()
      return new Promise<number>((resolve) => (count.onsuccess = () => resolve(count.result)))
    }, kit.workspaceId)
    expect(quarantined).toBe(1)
  })

  it("serves the app under a strict CSP that stops injected scripts, and the API docs in an opaque origin that cannot read the notes", async () => {
    const { page } = await device()
    const response = await page.goto("/welcome")
    expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self'/)
    expect(response?.headers()["content-security-policy"]).toMatch(/frame-ancestors 'none'/)
    expect(response?.headers()["x-content-type-options"]).toBe("nosniff")
    expect(response?.headers()["referrer-policy"]).toBe("no-referrer")
    const injected = await page.evaluate(async () => {
      const blocked = new Promise<string>((resolve) =>
        document.addEventListener("securitypolicyviolation", (event) => resolve(event.violatedDirective))
      )
      const script = document.createElement("script")
      script.textContent = "window.__injected = true"
      document.body.append(script)
      return { directive: await blocked, ran: (window as { __injected?: boolean }).__injected === true }
    })
    expect(injected).toEqual({ directive: expect.stringMatching(/^script-src/), ran: false })

    const docs = await device()
    const docsResponse = await docs.page.goto("/api/v1/docs")
    expect(docsResponse?.headers()["content-security-policy"]).toMatch(/^sandbox allow-scripts/)
    expect(await docs.page.evaluate(() => window.origin)).toBe("null")
    const storage = await docs.page.evaluate(() => {
      try {
        indexedDB.open("quire-device")
        return "opened"
      } catch (error) {
        return (error as Error).name
      }
    })
    expect(storage).toBe("SecurityError")
  })

  it("shows an image from another site as a link, never loading it", async () => {
    const { page } = await device()
    await createWorkspaceIn(page)
    const requests: Array<string> = []
    page.on("request", (request) => requests.push(request.url()))
    await createNoteIn(page, "Tracked", "![pixel](https://tracker.example/pixel.png)")
    await page
      .getByRole("button", { name: /preview/i })
      .first()
      .click()
    const preview = page.getByLabel("Rendered preview")
    await preview.getByRole("link", { name: /pixel/ }).waitFor()
    expect(await preview.locator("img").count()).toBe(0)
    expect(requests.some((url) => url.includes("tracker.example"))).toBe(false)
  })
})

describe.skipIf(!chromiumPath)("an edit too large for the server, in Chromium", () => {
  const suite = chromiumPerSuite({ MAX_BODY_BYTES: String(256 * 1024) })

  it("is shown by name and size while every other note keeps syncing", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await page.getByRole("button", { name: "New note" }).click()
    await page.getByLabel("Title").fill("Huge paste")
    await page.getByLabel("Body").fill("x".repeat(400 * 1024))
    await waitUntilSaved(page)
    await createNoteIn(page, "Small and synced", "fine")
    await page.goto("/")
    const banner = page.getByRole("alert").filter({ hasText: "too large to sync" })
    await banner.waitFor({ timeout: 20_000 })
    expect(await banner.textContent()).toMatch(/“Huge paste” is too large to sync: 0\.\d MB/)
    await expect.poll(() => syncState(page), { timeout: 15_000 }).toMatch(/^Synced, except 1 change too large/)
    await screenshot(page, "16-too-large")
  })
})
