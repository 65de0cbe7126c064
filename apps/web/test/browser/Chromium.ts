/**
 * Browser tests drive the system Chromium with playwright-core against the built app served
 * by the real server. Each "device" is a browser context: its own profile and storage.
 */
import { spawnServer, type SpawnedServer } from "@quire/server/testing"
import { existsSync } from "node:fs"
import { mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core"
import { afterAll, afterEach, beforeAll } from "vitest"

export const chromiumPath = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (candidate): candidate is string => !!candidate && existsSync(candidate)
)

const here = path.dirname(fileURLToPath(import.meta.url))
export const webDist = path.resolve(here, "../../dist")
export const screenshotDir = path.resolve(here, "../../../../test-output/screenshots")

export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: chromiumPath!,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic"
    ]
  })

export interface AppServer {
  readonly url: string
  readonly server: SpawnedServer
  readonly stop: () => Promise<void>
}

export const startAppServer = async (env: Record<string, string> = {}): Promise<AppServer> => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "quire-browser-"))
  const server = await spawnServer({ DATA_DIR: dataDir, WEB_DIR: webDist, ...env })
  return {
    url: server.url,
    server,
    stop: async () => {
      await server.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/**
 * The app server and Chromium for one suite, and its devices (profiles), closed after each
 * test. Use `.app`, `.browser` and `device()` inside tests.
 */
export const chromiumPerSuite = (env: Record<string, string> = {}) => {
  let app: AppServer | undefined
  let browser: Browser | undefined
  const contexts: Array<BrowserContext> = []
  beforeAll(async () => {
    app = await startAppServer(env)
    browser = await launchChromium()
  })
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()))
  })
  afterAll(async () => {
    await browser?.close()
    await app?.stop()
  })
  return {
    get app(): AppServer {
      if (!app) throw new Error("the suite's app server is not started")
      return app
    },
    get browser(): Browser {
      if (!browser) throw new Error("the suite's browser is not started")
      return browser
    },
    /** A fresh profile and a page in it. */
    device: async () => {
      const context = await newDevice(browser!, app!.url)
      contexts.push(context)
      return { context, page: await context.newPage() }
    }
  }
}

/** A fresh profile (a browser context) with clipboard access and downloads allowed. */
export const newDevice = async (browser: Browser, baseURL: string): Promise<BrowserContext> => {
  const context = await browser.newContext({ baseURL, acceptDownloads: true, viewport: { width: 1100, height: 800 } })
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL })
  return context
}

export const screenshot = async (page: Page, name: string) => {
  await mkdir(screenshotDir, { recursive: true })
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true })
}

/** Waits until the page's service worker controls it, so reloads can be served offline. */
export const waitForServiceWorker = async (page: Page) => {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload()
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  }
}

/** Creates a workspace from the welcome screen and waits for the note list. */
export const createWorkspaceIn = async (page: Page, deviceName = "Laptop") => {
  await page.goto("/")
  await page.getByLabel("This device's name").fill(deviceName)
  await page.getByRole("button", { name: "Create a workspace" }).click()
  await page.getByRole("button", { name: "New note" }).waitFor()
}

/** Waits until the editor says every keystroke is stored on the device. */
export const waitUntilSaved = (page: Page) =>
  page
    .getByRole("status", { name: "Save state" })
    .filter({ hasText: /^Saved on this device/ })
    .waitFor()

/**
 * The note body as the editor shows it, line by line (CodeMirror draws the lines in view;
 * test notes fit in it). The placeholder of an empty body is not text.
 */
export const bodyTextOf = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll(".body-editor .cm-line"))
      .map((line) => (line.querySelector(".cm-placeholder") ? "" : (line.textContent ?? "")))
      .join("\n")
  )

/** Creates a note through the UI and returns its id. */
export const createNoteIn = async (page: Page, title: string, body: string) => {
  await page.goto("/")
  await page.getByRole("button", { name: "New note" }).click()
  await page.getByLabel("Title").fill(title)
  await page.getByLabel("Body").fill(body)
  await waitUntilSaved(page)
  const id = new URL(page.url()).pathname.split("/").pop()!
  return id
}
