/**
 * Attachments in Chromium: a real PNG attached through the Attach button (while offline, so
 * its upload row can be seen waiting), shown in the preview, marked in the list, fetched by a
 * paired device; files dropped and pasted into the body; and an export imported elsewhere.
 */
import { writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { deflateSync } from "node:zlib"
import type { Page } from "playwright-core"
import { describe, expect, it } from "vitest"
import { seriousViolations } from "./Axe.js"
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

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (bytes: Buffer) => {
  let c = 0xffffffff
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const pngChunk = (type: string, data: Buffer) => {
  const body = Buffer.concat([Buffer.from(type, "latin1"), data])
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A valid RGB PNG, `width` × `height`, in diagonal stripes of two colours. */
const pngOf = (width: number, height: number) => {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8) // 8 bits, RGB, deflate, no filter method, no interlace
  const rows = Buffer.alloc(height * (1 + width * 3))
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = y * (1 + width * 3) + 1 + x * 3
      rows.set((x + y) % 16 < 8 ? [37, 99, 235] : [250, 204, 21], at)
    }
  }
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])
  return Buffer.concat([signature, pngChunk("IHDR", header), pngChunk("IDAT", deflateSync(rows)), pngChunk("IEND", Buffer.alloc(0))])
}

const writeTemp = async (name: string, bytes: Buffer) => {
  const file = path.join(tmpdir(), `${Date.now()}-${name}`)
  await writeFile(file, bytes)
  return file
}

const preview = (page: Page) => page.getByLabel("Rendered preview")
const titlesIn = (page: Page) => page.getByRole("list", { name: "Notes" }).locator(".title").allTextContents()

/** The rendered image's natural width: more than 0 once the browser decoded the file. */
const naturalWidthOf = (page: Page, alt: string) =>
  preview(page)
    .getByRole("img", { name: alt })
    .evaluate((image: HTMLImageElement) => image.naturalWidth)
    .catch(() => 0)

const openPreviewOf = async (page: Page, noteId: string) => {
  await page.goto(`/notes/${noteId}`)
  await page.getByRole("button", { name: "Preview" }).click()
}

const shareLinkFrom = async (page: Page) => {
  await page.goto("/settings/devices")
  await page.getByRole("button", { name: "Create share link" }).click()
  const field = page.getByLabel("Share link", { exact: true })
  await expect.poll(() => field.inputValue()).toContain("/pair#ws=")
  return field.inputValue()
}

/** Attaches files through the button and the browser's file picker, as a person does. */
const attachThroughButton = async (page: Page, files: ReadonlyArray<string>) => {
  const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByRole("button", { name: "Attach file" }).click()])
  expect(chooser.isMultiple()).toBe(true)
  await chooser.setFiles([...files])
}

describe.skipIf(!chromiumPath)("attachments in Chromium", () => {
  const suite = chromiumPerSuite()

  it("a PNG attached offline waits to upload, shows in the preview, marks the note in the list, and opens on a paired device", async () => {
    const { context, page } = await suite.device()
    await createWorkspaceIn(page, "Laptop")
    const noteId = await createNoteIn(page, "Holiday", "Our picture:")
    const png = await writeTemp("beach.png", pngOf(48, 32))

    await waitForServiceWorker(page)
    await context.setOffline(true)
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("End")
    await attachThroughButton(page, [png])
    const uploading = page.getByRole("status").filter({ hasText: /^Uploading .*beach\.png 0 of 1/ })
    await uploading.waitFor()
    await expect.poll(() => bodyTextOf(page)).toMatch(/^Our picture:\n!\[\d+-beach\.png\]\(attachment:[0-9a-f]{32}\)\n$/)
    await waitUntilSaved(page)
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toMatch(/^Offline \(.*B of files\)$/)
    await screenshot(page, "attachment-progress")
    expect(await seriousViolations(page)).toEqual([])

    await context.setOffline(false)
    await page.getByRole("button", { name: "Sync now" }).click()
    await uploading.waitFor({ state: "detached", timeout: 30_000 })
    await page.getByRole("button", { name: "Preview" }).click()
    await expect.poll(() => naturalWidthOf(page, png.split("/").pop()!)).toBe(48)
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, "attachment-image")
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toBe("Synced")

    await page.goto("/")
    const holiday = page.getByRole("list", { name: "Notes" }).getByRole("link", { name: /Holiday/ })
    await expect.poll(() => holiday.getByRole("img", { name: "has attachments" }).count()).toBe(1)

    const link = await shareLinkFrom(page)
    const phone = await suite.device()
    await phone.page.goto(link)
    await expect.poll(() => titlesIn(phone.page), { timeout: 30_000 }).toContain("Holiday")
    await expect.poll(() => phone.page.getByRole("img", { name: "has attachments" }).count()).toBe(1)
    await openPreviewOf(phone.page, noteId)
    await expect.poll(() => naturalWidthOf(phone.page, png.split("/").pop()!), { timeout: 30_000 }).toBe(48)
    await screenshot(phone.page, "attachment-image-paired")
  })
})
