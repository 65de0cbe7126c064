/**
 * PWA benchmark in Chromium against the built app on the real server: cold start with no
 * network (to the first note list), gzipped size of the initial JS and of the Loro WASM, and
 * the first pull of a 10,000-note workspace into a fresh profile. Writes bench-results/browser.json.
 */
import { readdir, readFile } from "node:fs/promises"
import * as path from "node:path"
import { gzipSync } from "node:zlib"
import { it } from "vitest"
import { indexedDbFloorMs } from "./IndexedDbFloor.js"
import { percentile, report } from "./Report.js"
import { readMeta } from "../src/data/Meta.js"
import {
  chromiumPath,
  createNoteIn,
  createWorkspaceIn,
  launchChromium,
  newDevice,
  startAppServer,
  waitForServiceWorker,
  webDist
} from "../test/browser/Chromium.js"
import { createDevice } from "../test/support/Device.js"
import { shareLinkFrom } from "../test/support/Pairing.js"

const noteCount = Number(process.env.BENCH_NOTES ?? 10_000)

const gzipKb = async (file: string) => Number((gzipSync(await readFile(file), { level: 9 }).length / 1024).toFixed(1))

/** The entry script and every chunk index.html preloads: what a cold start must download. */
const initialJs = async () => {
  const html = await readFile(path.join(webDist, "index.html"), "utf8")
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!)
  let kb = 0
  for (const file of files) kb += await gzipKb(path.join(webDist, file))
  return { files: files.length, kb: Number(kb.toFixed(1)) }
}

it.skipIf(!chromiumPath)("measures the PWA in Chromium", async () => {
  const app = await startAppServer()
  const browser = await launchChromium()
  const rows: Array<Record<string, unknown>> = []
  try {
    const js = await initialJs()
    const wasm = (await readdir(path.join(webDist, "assets"))).find((f) => f.endsWith(".wasm"))!
    rows.push({
      measure: `initial JS before the note list paints, gzipped (${js.files} files)`,
      value: js.kb,
      unit: "KiB",
      target: "≤ 170 KiB"
    })
    rows.push({
      measure: "Loro WASM, gzipped (lazy, precached)",
      value: await gzipKb(path.join(webDist, "assets", wasm)),
      unit: "KiB",
      target: ""
    })

    // Cold start offline: a profile that has the app and a few notes, no network, a new page each time.
    const context = await newDevice(browser, app.url)
    const page = await context.newPage()
    await createWorkspaceIn(page)
    for (let i = 0; i < 5; i++) await createNoteIn(page, `note ${i}`, "body")
    await waitForServiceWorker(page)
    await context.setOffline(true)
    const cold: Array<number> = []
    for (let i = 0; i < 12; i++) {
      const fresh = await context.newPage()
      const started = performance.now()
      await fresh.goto("/")
      await fresh.getByRole("list", { name: "Notes" }).locator("li").first().waitFor()
      if (i >= 2) cold.push(performance.now() - started)
      await fresh.close()
    }
    await context.close()
    rows.push({ measure: "cold start offline → first note list (p50)", value: percentile(cold, 50, 1), unit: "ms", target: "≤ 1000 ms" })

    // First pull of 10,000 notes into a fresh profile, from pairing to "Synced" with every note listed.
    const seeder = await createDevice(app.url, "seeder")
    for (let i = 0; i < noteCount; i++) await seeder.notes.create({ title: `Note ${i}`, body: `Body of note ${i}\nwith a second line` })
    await seeder.engine.syncOnce()
    const link = await shareLinkFrom(seeder)
    const workspace = (await readMeta(seeder.db, "workspace"))!
    await seeder.close()
    const phone = await newDevice(browser, app.url)
    const phonePage = await phone.newPage()
    // The sync worker's first page request: pairing and starting the app come before it.
    let pullStarted: number | undefined
    phone.on("request", (request) => {
      if (pullStarted === undefined && /\/changes\?/.test(request.url())) pullStarted = performance.now()
    })
    const started = performance.now()
    await phonePage.goto(link)
    await phonePage.getByText(`${noteCount} notes`).waitFor({ timeout: 300_000 })
    await phonePage
      .getByTestId("sync-state")
      .filter({ hasText: /^Synced$/ })
      .waitFor({ timeout: 300_000 })
    const ended = performance.now()
    rows.push({
      measure: `first pull of ${noteCount} notes (workspace ${workspace.workspaceId.slice(0, 8)})`,
      value: Number((ended - started).toFixed(0)),
      unit: "ms",
      target: "≤ 1500 ms"
    })
    rows.push({
      measure: "  of which: first page asked → every note listed and synced",
      value: pullStarted === undefined ? NaN : Number((ended - pullStarted).toFixed(0)),
      unit: "ms",
      target: ""
    })
    rows.push({
      measure: `  floor: the rows of ${noteCount} notes written straight to IndexedDB, no app code`,
      value: Number((await indexedDbFloorMs(phonePage, noteCount)).toFixed(0)),
      unit: "ms",
      target: ""
    })
    await phone.close()
  } finally {
    await browser.close()
    await app.stop()
  }
  await report("browser", rows)
})
