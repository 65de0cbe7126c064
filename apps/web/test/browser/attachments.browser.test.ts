/**
 * Attachments in Chromium: a real PNG attached through the Attach button (while offline, so
 * its upload row can be seen waiting), shown in the preview, marked in the list, fetched by a
 * paired device; files dropped and pasted into the body; and an export imported elsewhere.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, readFile, writeFile } from "node:fs/promises"
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

/** Writes `bytes` as a file called `name`, in a folder of its own (the name is what the note shows). */
const writeTemp = async (name: string, bytes: Buffer) => {
  const file = path.join(await mkdtemp(path.join(tmpdir(), "quire-attach-")), name)
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

  it("a PNG and a larger file attached offline wait to upload, the image shows in the preview, the list marks the note, and a paired device opens it", async () => {
    const { context, page } = await suite.device()
    await createWorkspaceIn(page, "Laptop")
    const noteId = await createNoteIn(page, "Holiday", "Our picture:")
    const png = await writeTemp("beach.png", pngOf(48, 32))
    const tickets = await writeTemp("tickets.bin", randomBytes(2.5 * 1024 * 1024))

    await waitForServiceWorker(page)
    await context.setOffline(true)
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("End")
    await attachThroughButton(page, [png, tickets])
    // One after the other, each with its own row: both wait for the network, counted in 1 MiB chunks.
    const uploading = page.getByRole("group", { name: "Files being added" }).getByRole("status")
    await expect.poll(() => uploading.allTextContents()).toEqual(["Uploading beach.png 0 of 1", "Uploading tickets.bin 0 of 3"])
    const fileLink = "\\(attachment:[0-9a-f]{32}\\)"
    await expect
      .poll(() => bodyTextOf(page))
      .toMatch(new RegExp(`^Our picture:\\n!\\[beach\\.png\\]${fileLink}\\n\\[tickets\\.bin\\]${fileLink}\\n$`))
    await waitUntilSaved(page)
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toMatch(/^Offline \(.*2\.5 MB of files\)$/)
    await screenshot(page, "attachment-progress")
    expect(await seriousViolations(page)).toEqual([])
    await page.emulateMedia({ colorScheme: "dark" })
    expect(await seriousViolations(page), "dark theme").toEqual([])
    await page.emulateMedia({ colorScheme: "light" })

    await context.setOffline(false)
    await page.getByRole("button", { name: "Sync now" }).click()
    await expect.poll(() => uploading.count(), { timeout: 30_000 }).toBe(0)
    await page.getByRole("button", { name: "Preview" }).click()
    await expect.poll(() => naturalWidthOf(page, "beach.png")).toBe(48)
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
    // The server answers the chunk's fetch as if it did not hold it: the preview says so and offers to try again.
    const chunkFetch = /\/blobs\/[^/]+$/
    await phone.context.route(chunkFetch, (route) =>
      route.request().method() === "GET"
        ? route.fulfill({
            status: 404,
            contentType: "application/json",
            body: JSON.stringify({ _tag: "BlobNotFound", message: "No such blob" })
          })
        : route.fallback()
    )
    await openPreviewOf(phone.page, noteId)
    const stuck = preview(phone.page)
      .getByRole("alert")
      .filter({ hasText: /^beach\.png could not be fetched yet\. Not on the server yet: .* It is fetched again\. Try again$/ })
    await stuck.waitFor({ timeout: 30_000 })
    expect(await seriousViolations(phone.page)).toEqual([])
    await screenshot(phone.page, "attachment-placeholder")
    await phone.context.unroute(chunkFetch)
    await stuck.getByRole("button", { name: "Try again" }).click()
    await expect.poll(() => naturalWidthOf(phone.page, "beach.png"), { timeout: 30_000 }).toBe(48)
    await screenshot(phone.page, "attachment-image-paired")
  })

  it("files dropped land where they were dropped, in order; a pasted file at the caret; pasted text stays text; a file saves under its name", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    const noteId = await createNoteIn(page, "Drops", "first line\nsecond line")
    const png = [...pngOf(8, 6)]

    // A drop at the start of the second line, of two files at once.
    await page.evaluate((bytes) => {
      const line = document.querySelectorAll(".body-editor .cm-line")[1]!
      const box = line.getBoundingClientRect()
      const data = new DataTransfer()
      data.items.add(new File(["hello from a file"], "notes.txt", { type: "text/plain" }))
      data.items.add(new File([Uint8Array.from(bytes)], "dot.png", { type: "image/png" }))
      const at = { clientX: box.left + 2, clientY: box.top + box.height / 2 }
      line.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true, ...at }))
    }, png)
    const link = (name: string, image = false) => `${image ? "!" : ""}\\[${name.replace(".", "\\.")}\\]\\(attachment:[0-9a-f]{32}\\)`
    const dropped = `first line\\n${link("notes.txt")}\\n${link("dot.png", true)}\\nsecond line`
    await expect.poll(() => bodyTextOf(page)).toMatch(new RegExp(`^${dropped}$`))

    // A file pasted at the caret (the end), then text pasted the ordinary way.
    await page.locator(".body-editor .cm-content").click()
    await page.keyboard.press("Control+End")
    await page.evaluate((bytes) => {
      const data = new DataTransfer()
      data.items.add(new File([Uint8Array.from(bytes)], "pasted.png", { type: "image/png" }))
      document
        .querySelector(".body-editor .cm-content")!
        .dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }))
    }, png)
    await expect.poll(() => bodyTextOf(page)).toMatch(new RegExp(`^${dropped}\\n${link("pasted.png", true)}\\n$`))
    await page.keyboard.press("Control+End")
    await page.evaluate(() => navigator.clipboard.writeText("plain words"))
    await page.keyboard.press("Control+V")
    await page.keyboard.type(" and [ghost](attachment:0123456789abcdef0123456789abcdef)")
    await expect
      .poll(() => bodyTextOf(page))
      .toMatch(
        new RegExp(
          `^${dropped}\\n${link("pasted.png", true)}\\nplain words and \\[ghost\\]\\(attachment:0123456789abcdef0123456789abcdef\\)$`
        )
      )
    await waitUntilSaved(page)

    await openPreviewOf(page, noteId)
    await expect.poll(() => naturalWidthOf(page, "dot.png")).toBe(8)
    await expect.poll(() => naturalWidthOf(page, "pasted.png")).toBe(8)
    await preview(page).getByText("ghost: attachment not found").waitFor()
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      preview(page)
        .getByRole("button", { name: /notes\.txt/ })
        .click()
    ])
    expect(download.suggestedFilename()).toBe("notes.txt")
    expect(await readFile(await download.path(), "utf8")).toBe("hello from a file")
    expect(await seriousViolations(page)).toEqual([])
    await screenshot(page, "attachment-files")
    await page.emulateMedia({ colorScheme: "dark" })
    expect(await seriousViolations(page), "dark theme").toEqual([])
  })

  it("with attachments kept offline, a paired device fetches every file without opening its note", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page, "Laptop")
    await createNoteIn(page, "Scans", "")
    await attachThroughButton(page, [await writeTemp("page.png", pngOf(20, 20))])
    await expect.poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 }).toBe("Synced")

    const phone = await suite.device()
    await phone.page.goto(await shareLinkFrom(page))
    await expect.poll(() => titlesIn(phone.page), { timeout: 30_000 }).toContain("Scans")
    await phone.page.goto("/settings/devices")
    const kept = phone.page.getByRole("region", { name: "Files on this device" })
    await kept.getByText("0 B of files are kept on this device now.").waitFor()
    await kept.getByRole("checkbox", { name: "Keep attachments offline" }).check()
    await expect.poll(() => kept.textContent(), { timeout: 30_000 }).toMatch(/[1-9]\d* B of files are kept on this device now\./)
    expect(await seriousViolations(phone.page)).toEqual([])
    await screenshot(phone.page, "attachment-keep-offline")
    await phone.page.reload()
    // The box stays disabled until the stored setting is read; only then does its state mean anything.
    const box = kept.getByRole("checkbox", { name: "Keep attachments offline" })
    await expect.poll(() => box.isEnabled()).toBe(true)
    expect(await box.isChecked()).toBe(true)
  })

  it("an export imported into a new profile shows the attached image there too", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    const noteId = await createNoteIn(page, "Postcard", "Front:")
    await attachThroughButton(page, [await writeTemp("front.png", pngOf(30, 20))])
    await expect.poll(() => bodyTextOf(page)).toMatch(/!\[front\.png\]\(attachment:[0-9a-f]{32}\)/)
    await waitUntilSaved(page)

    await page.goto("/settings/backup")
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export workspace" }).click()])
    const file = path.join(await mkdtemp(path.join(tmpdir(), "quire-export-")), "export.quire")
    await download.saveAs(file)

    const fresh = await suite.device()
    await fresh.page.goto("/welcome")
    await fresh.page.getByLabel("Export file").setInputFiles(file)
    await fresh.page.getByRole("button", { name: "Import" }).click()
    await expect.poll(() => titlesIn(fresh.page), { timeout: 30_000 }).toEqual(["Postcard"])
    await expect.poll(() => fresh.page.getByRole("img", { name: "has attachments" }).count()).toBe(1)
    await fresh.page.getByRole("link", { name: /Postcard/ }).click()
    await fresh.page.getByRole("button", { name: "Preview" }).click()
    await expect.poll(() => naturalWidthOf(fresh.page, "front.png"), { timeout: 30_000 }).toBe(30)
    expect(new URL(fresh.page.url()).pathname).toBe(`/notes/${noteId}`)
  })
})

describe.skipIf(!chromiumPath)("attachments on a full workspace in Chromium", () => {
  const suite = chromiumPerSuite({ WORKSPACE_QUOTA_BYTES: String(256 * 1024) })

  it("a file that does not fit says so on the file and in the status bar, and stays on the device", async () => {
    const { page } = await suite.device()
    await createWorkspaceIn(page)
    await page.getByRole("button", { name: "New note" }).click()
    await page.getByLabel("Title").fill("Papers")
    await waitUntilSaved(page)
    await attachThroughButton(page, [await writeTemp("scan.pdf", randomBytes(400 * 1024))])
    await page
      .getByRole("alert")
      .filter({ hasText: /^scan\.pdf did not fit: the workspace is full on the server\. It will be tried again\.$/ })
      .waitFor({ timeout: 30_000 })
    // Never "Synced": the first round after the refusal stops with the server's words; later rounds count the file as pending.
    await expect
      .poll(() => page.getByTestId("sync-state").textContent(), { timeout: 30_000 })
      .toMatch(/^(Sync stopped: This workspace would use more than .*|Syncing \(\d+ pending, 40\d KB of files\))$/)
    await screenshot(page, "attachment-quota")
    expect(await seriousViolations(page)).toEqual([])
    await page.getByRole("button", { name: "Preview" }).click()
    await preview(page)
      .getByRole("button", { name: /scan\.pdf/ })
      .waitFor()
  })
})
