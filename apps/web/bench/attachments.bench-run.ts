/**
 * A 50 MB attachment in Chromium, two profiles against the built app and the real server:
 * upload (the file chosen through "Attach file" → the server holds every chunk) on one, and
 * download (the note opened on a paired profile → the file ready to save) on the other, in
 * MB/s, with the tab's and the sync worker's JS heap sampled every 25 ms (peak above idle: the
 * file is never held whole). Then saving it there: every chunk read, checked and decrypted into
 * the file handed to the browser. Also the cores each of its processes used meanwhile (Linux).
 * On the embedded database and, when TEST_DATABASE_URL is set, on Postgres. BENCH_FILE_MB sets
 * the size (MB = 2^20 bytes, as the app shows sizes).
 * Writes bench-results/attachments.json.
 */
import { randomBytes } from "node:crypto"
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises"
import { cpus, loadavg, tmpdir } from "node:os"
import * as path from "node:path"
import type { Page, Request } from "playwright-core"
import { it } from "vitest"
import { chromiumPath, createNoteIn, createWorkspaceIn, launchChromium, newDevice, startAppServer } from "../test/browser/Chromium.js"
import { startHeapSampler, type HeapFigures } from "./HeapSampler.js"
import { coresSince, sampleCpu } from "./ProcessCpu.js"
import { report } from "./Report.js"

const fileMb = Number(process.env.BENCH_FILE_MB ?? 50)
const fileBytes = fileMb * 1024 * 1024

const databases: ReadonlyArray<{ readonly name: string; readonly env: Record<string, string> }> = [
  { name: "embedded", env: {} },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "postgres", env: { DATABASE_URL: process.env.TEST_DATABASE_URL } }] : [])
]

/** Wall-clock milliseconds, comparable between node and the pages (one machine, one clock). */
const now = () => performance.timeOrigin + performance.now()

/**
 * Resolves, in the page's clock, when the file is stored on the device (its link is in the body:
 * `add` resolved) and when the server holds every chunk: the editor's upload progress is gone,
 * as a person sees it, confirmed by one read of `blobUploads` (a chunk leaves it only once the
 * server holds it). The page is looked at every 25 ms; IndexedDB is read only to confirm, so the
 * bench's own reads do not queue between the app's writes.
 */
const uploadedIn = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<{ stored: number; uploaded: number }>((resolve, reject) => {
        const request = <T>(r: IDBRequest<T>) =>
          new Promise<T>((ok, fail) => {
            r.onsuccess = () => ok(r.result)
            r.onerror = () => fail(r.error)
          })
        const waitingChunks = async () => {
          const current = await request(indexedDB.open("quire-device"))
          const { value } = await request<{ value: string }>(current.transaction("settings").objectStore("settings").get("current"))
          current.close()
          const db = await request(indexedDB.open(`quire-workspace-${value}`))
          const count = await request(db.transaction("blobUploads").objectStore("blobUploads").count())
          db.close()
          return count
        }
        const clock = () => performance.timeOrigin + performance.now()
        let stored: number | undefined
        const check = async () => {
          if (stored === undefined && document.querySelector(".body-editor .cm-content")?.textContent?.includes("attachment:"))
            stored = clock()
          if (stored !== undefined && !document.querySelector(".attachment-progress")) {
            const at = clock()
            if ((await waitingChunks()) === 0) return resolve({ stored, uploaded: at })
          }
          setTimeout(() => void check().catch(reject), 25)
        }
        void check().catch(reject)
      })
  )

/** Clicks the note in the list, shows the preview, and resolves with ms from the click until the file is ready to save. */
const openUntilReady = (page: Page, noteId: string, name: string) =>
  page.evaluate(
    ({ id, fileName }) =>
      new Promise<number>((resolve, reject) => {
        const link = document.querySelector<HTMLAnchorElement>(`a[href="/notes/${id}"]`)
        if (!link) return reject(new Error("the note is not in the list"))
        const started = performance.now()
        link.click()
        const check = () => {
          const preview = [...document.querySelectorAll<HTMLButtonElement>("button")].find((button) => button.textContent === "Preview")
          if (preview && preview.getAttribute("aria-pressed") !== "true") preview.click()
          const file = document.querySelector<HTMLButtonElement>("button.attachment-file")
          if (file?.textContent?.includes(fileName)) return resolve(performance.now() - started)
          setTimeout(check, 10)
        }
        check()
      }),
    { id: noteId, fileName: name }
  )

/** When the page's first request for a chunk started and its last ended (the sync worker's requests are the page's). */
const chunkRequests = (page: Page, method: "PUT" | "GET") => {
  const seen = { first: Infinity, last: 0, count: 0 }
  const isChunk = (request: Request) => request.method() === method && /\/blobs\/[^/]+$/.test(new URL(request.url()).pathname)
  page.context().on("request", (request) => {
    if (isChunk(request)) seen.first = Math.min(seen.first, now())
  })
  page.context().on("requestfinished", (request) => {
    if (!isChunk(request)) return
    seen.last = now()
    seen.count += 1
  })
  return seen
}

/** The cores each kind of process used while a step ran. */
const cpuRows = (what: string, before: ReturnType<typeof sampleCpu>, ms: number) =>
  coresSince(before, ms).map(({ kind, cores }) => ({ measure: `${what}: cores used by ${kind}`, value: cores, unit: "", target: "" }))

const rate = (bytes: number, ms: number) => Number((bytes / 1024 / 1024 / (ms / 1000)).toFixed(1))

const heapRows = (what: string, heap: { tab: HeapFigures; worker: HeapFigures | undefined }, target: string) => [
  {
    measure: `${what}: tab JS heap, peak above idle (idle ${heap.tab.idle} MB, peak ${heap.tab.peak} MB, ${heap.tab.samples} samples)`,
    value: heap.tab.aboveIdle,
    unit: "MB",
    target
  },
  ...(heap.worker
    ? [
        {
          measure: `${what}: sync worker JS heap, peak above idle (idle ${heap.worker.idle} MB, peak ${heap.worker.peak} MB)`,
          value: heap.worker.aboveIdle,
          unit: "MB",
          target: ""
        }
      ]
    : [])
]

it.skipIf(!chromiumPath)("measures a large attachment's upload and download in Chromium", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "quire-attachments-bench-"))
  const rows: Array<Record<string, unknown>> = []
  try {
    // Random bytes: nothing on the way can compress them, as with a photo or a video.
    const fileName = `bench-${fileMb}mb.bin`
    const filePath = path.join(dir, fileName)
    await writeFile(filePath, randomBytes(fileBytes))
    for (const database of databases) rows.push(...(await measureOn(database.name, database.env, filePath, fileName)))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  rows.push({
    measure: `machine load (1-minute average, ${cpus().length} cores)`,
    value: Number(loadavg()[0]!.toFixed(2)),
    unit: "",
    target: ""
  })
  await report("attachments", rows)
})

const measureOn = async (database: string, env: Record<string, string>, filePath: string, fileName: string) => {
  const app = await startAppServer(env)
  const browser = await launchChromium()
  const rows: Array<Record<string, unknown>> = []
  try {
    const laptop = await (await newDevice(browser, app.url)).newPage()
    await createWorkspaceIn(laptop)
    const noteId = await createNoteIn(laptop, "Files", "The file:")
    await laptop.goto("/settings/devices")
    await laptop.getByRole("button", { name: "Create share link" }).click()
    const field = laptop.getByLabel("Share link", { exact: true })
    let link = await field.inputValue()
    while (!link.includes("/pair#")) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      link = await field.inputValue()
    }
    const phoneContext = await newDevice(browser, app.url)
    const phone = await phoneContext.newPage()
    await phone.goto(link)
    await phone.locator(`a[href="/notes/${noteId}"]`).waitFor({ timeout: 60_000 })

    // Upload: from the file chosen until the server holds every chunk.
    await laptop.goto(`/notes/${noteId}`)
    await laptop.getByRole("button", { name: "Attach file" }).waitFor()
    const laptopHeap = await startHeapSampler(laptop)
    const endUpload = await laptopHeap.measure()
    const [chooser] = await Promise.all([laptop.waitForEvent("filechooser"), laptop.getByRole("button", { name: "Attach file" }).click()])
    // When chunks went out, to tell storing, waiting and sending apart.
    const puts = chunkRequests(laptop, "PUT")
    const uploaded = uploadedIn(laptop)
    const cpuAtChoice = sampleCpu()
    const chosenAt = now()
    await chooser.setFiles(filePath)
    const upload = await uploaded
    const uploadHeap = endUpload()
    await laptopHeap.stop()
    rows.push({
      measure: `${fileMb} MB file: stored on the device (read, hashed, sealed, written)`,
      value: rate(fileBytes, upload.stored - chosenAt),
      unit: "MB/s",
      target: ""
    })
    rows.push({
      measure: `${fileMb} MB file: upload, chosen → the server holds every chunk`,
      value: rate(fileBytes, upload.uploaded - chosenAt),
      unit: "MB/s",
      target: "≥ 30 MB/s"
    })
    rows.push({
      measure: `upload: first chunk sent, after the file was chosen`,
      value: Number((puts.first - chosenAt).toFixed(0)),
      unit: "ms",
      target: ""
    })
    rows.push({
      measure: `upload: ${puts.count} chunks sent, first to last`,
      value: rate(fileBytes, puts.last - puts.first),
      unit: "MB/s",
      target: ""
    })
    rows.push(...cpuRows("upload", cpuAtChoice, upload.uploaded - chosenAt))
    rows.push(...heapRows("upload", uploadHeap, "≤ 64 MB"))

    // Download: the paired profile opens the note once its list shows the file arrived (the manifest
    // follows the last chunk); the file is ready once every chunk is fetched and checked.
    await phone.locator(`a[href="/notes/${noteId}"] [aria-label="has attachments"]`).waitFor({ timeout: 60_000 })
    const phoneHeap = await startHeapSampler(phone)
    const endDownload = await phoneHeap.measure()
    const gets = chunkRequests(phone, "GET")
    const cpuAtOpen = sampleCpu()
    const openedAt = now()
    const readyMs = await openUntilReady(phone, noteId, fileName)
    const downloadHeap = endDownload()
    rows.push({
      measure: `${fileMb} MB file: download, note opened → file ready to save`,
      value: rate(fileBytes, readyMs),
      unit: "MB/s",
      target: "≥ 30 MB/s"
    })
    rows.push({
      measure: `download: first chunk asked for, after the note was opened`,
      value: Number((gets.first - openedAt).toFixed(0)),
      unit: "ms",
      target: ""
    })
    rows.push({
      measure: `download: ${gets.count} chunks fetched, first to last`,
      value: rate(fileBytes, gets.last - gets.first),
      unit: "MB/s",
      target: ""
    })
    rows.push(...cpuRows("download", cpuAtOpen, readyMs))
    rows.push(...heapRows("download", downloadHeap, "≤ 64 MB"))

    // Saving it: every chunk read from the device, checked and decrypted into the file the browser saves.
    const endSave = await phoneHeap.measure(500)
    const savedAt = now()
    const [download] = await Promise.all([
      phone.waitForEvent("download", { timeout: 120_000 }),
      phone.locator("button.attachment-file").click()
    ])
    const saveMs = now() - savedAt
    const saveHeap = endSave()
    await phoneHeap.stop()
    const saved = await download.path()
    const { size } = await stat(saved)
    if (size !== fileBytes) throw new Error(`the saved file has ${size} bytes, not ${fileBytes}`)
    rows.push({
      measure: `${fileMb} MB file: save, click → the browser has the file`,
      value: rate(fileBytes, saveMs),
      unit: "MB/s",
      target: ""
    })
    rows.push(...heapRows("save", saveHeap, ""))
  } finally {
    await browser.close()
    await app.stop()
  }
  return rows.map((row) => ({ database, ...row }))
}
