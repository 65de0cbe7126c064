/**
 * The editor with a 1 MB note in Chromium, against the built app and the real server: how long
 * the note takes to open (click in the list → its text painted in the editor) and how long a
 * keystroke takes to reach the screen while typing into it. Both are timed inside the page.
 * Chromium runs without vsync, so a keystroke's figure is the app's work, not the wait for the
 * display's next refresh. BENCH_NOTE_BYTES sets another size. Writes bench-results/editor.json.
 */
import { cpus, loadavg } from "node:os"
import { chromium, type Page } from "playwright-core"
import { it } from "vitest"
import { chromiumPath, newDevice, startAppServer } from "../test/browser/Chromium.js"
import { createDevice } from "../test/support/Device.js"
import { shareLinkFrom } from "../test/support/Pairing.js"
import { percentile, report } from "./Report.js"

const targetBytes = Number(process.env.BENCH_NOTE_BYTES ?? 1024 * 1024)

/** About 1 MB of ordinary Markdown: headings, paragraphs, lists, tasks, links and code. */
const largeBody = () => {
  const parts: Array<string> = []
  let size = 0
  for (let i = 0; size < targetBytes; i++) {
    const section =
      `## Section ${i}\n\nSome prose for section ${i}, with **bold**, _emphasis_ and a [[Link ${i % 50}]] to another note. ` +
      `It goes on for a while so that lines wrap like real writing does in a long journal.\n\n` +
      `- item one of ${i}\n- [ ] a task of ${i}\n- [x] a done task\n\n` +
      "```js\n" +
      `const value${i} = ${i} * 2 // code\n` +
      "```\n\n"
    parts.push(section)
    size += section.length
  }
  return parts.join("").slice(0, targetBytes)
}

/** Clicks the note in the list and resolves when its editor has painted text, in ms from the click. */
const openFromList = (page: Page, id: string) =>
  page.evaluate(
    (noteId) =>
      new Promise<number>((resolve, reject) => {
        const link = document.querySelector<HTMLAnchorElement>(`a[href="/notes/${noteId}"]`)
        if (!link) return reject(new Error("the note is not in the list"))
        const started = performance.now()
        link.click()
        const check = () =>
          document.querySelector(".body-editor .cm-line")?.textContent?.startsWith("## Section 0")
            ? requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - started)))
            : requestAnimationFrame(check)
        check()
      }),
    id
  )

it.skipIf(!chromiumPath)("measures a 1 MB note in the editor", async () => {
  const app = await startAppServer()
  const browser = await chromium.launch({
    executablePath: chromiumPath!,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-gpu-vsync", "--disable-frame-rate-limit", "--no-first-run"]
  })
  const rows: Array<Record<string, unknown>> = []
  try {
    const seeder = await createDevice(app.url, "seeder")
    const body = largeBody()
    const id = await seeder.notes.create({ title: "Large note", body })
    await seeder.engine.syncOnce()
    const link = await shareLinkFrom(seeder)
    await seeder.close()

    const page = await (await newDevice(browser, app.url)).newPage()
    await page.goto(link)
    await page.locator(`a[href="/notes/${id}"]`).waitFor({ timeout: 120_000 })

    const opens: Array<number> = []
    for (let i = 0; i < 11; i++) {
      opens.push(await openFromList(page, id))
      await page.getByRole("link", { name: "← Notes" }).click()
      await page.locator(`a[href="/notes/${id}"]`).waitFor()
    }
    rows.push({
      measure: "open a 1 MB note, first time (loads the editor's code)",
      value: Number(opens[0]!.toFixed(1)),
      unit: "ms",
      target: ""
    })
    const warm = opens.slice(1)
    rows.push({ measure: "open a 1 MB note (p50 of 10)", value: percentile(warm, 50, 1), unit: "ms", target: "≤ 300 ms" })
    rows.push({ measure: "open a 1 MB note (p95 of 10)", value: percentile(warm, 95, 1), unit: "ms", target: "≤ 300 ms" })

    // Typing in the middle of the note, at 12 keys a second, every keystroke saved as it goes.
    await openFromList(page, id)
    await page.locator(".body-editor .cm-line").nth(12).click()
    await page.keyboard.press("End")
    await page.evaluate(() => {
      const state = window as unknown as { keystrokes: Array<number> }
      state.keystrokes = []
      document.addEventListener(
        "keydown",
        (event) => {
          const pressed = event.timeStamp
          // The frame that shows the keystroke: its rendering is done when a task queued in its rAF runs.
          requestAnimationFrame(() => setTimeout(() => state.keystrokes.push(performance.now() - pressed)))
        },
        true
      )
    })
    const typed = "the quick brown fox jumps over the lazy dog ".repeat(4)
    await page.keyboard.type(typed, { delay: 80 })
    await page
      .getByRole("status", { name: "Save state" })
      .filter({ hasText: /^Saved on this device/ })
      .waitFor({ timeout: 60_000 })
    const keystrokes = await page.evaluate(() => (window as unknown as { keystrokes: Array<number> }).keystrokes)
    const text = await page.evaluate(() => document.querySelectorAll(".body-editor .cm-line")[12]?.textContent ?? "")
    if (!text.endsWith(typed)) throw new Error(`the typed text did not land where it was typed: ${text.slice(-80)}`)
    rows.push({
      measure: `keystroke → paint in a 1 MB note (p50 of ${keystrokes.length})`,
      value: percentile(keystrokes, 50, 1),
      unit: "ms",
      target: ""
    })
    rows.push({
      measure: `keystroke → paint in a 1 MB note (p95 of ${keystrokes.length})`,
      value: percentile(keystrokes, 95, 1),
      unit: "ms",
      target: "≤ 16 ms"
    })
    rows.push({ measure: "note size", value: Number((body.length / 1024 / 1024).toFixed(2)), unit: "MB", target: "" })
    // Keystroke figures are a few milliseconds of work each: other processes on the machine show in them.
    rows.push({
      measure: `machine load (1-minute average, ${cpus().length} cores)`,
      value: Number(loadavg()[0]!.toFixed(2)),
      unit: "",
      target: ""
    })
  } finally {
    await browser.close()
    await app.stop()
  }
  await report("editor", rows)
})
