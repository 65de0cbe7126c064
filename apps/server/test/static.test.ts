import { mkdir, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { tempDir, testDatabases, type ProvisionedStore } from "./support/databases.js"
import { startServer, type RunningServer } from "./support/TestServer.js"

const [database] = testDatabases()

describe("serving the web app and the API docs", () => {
  let store: ProvisionedStore
  let server: RunningServer
  let webDir: string

  beforeAll(async () => {
    store = await database!.provision()
    webDir = await tempDir("web")
    await mkdir(path.join(webDir, "assets"))
    await writeFile(path.join(webDir, "index.html"), "<!doctype html><title>Quire test shell</title>")
    await writeFile(path.join(webDir, "assets", "app-abc123.js"), "console.log('app')")
    await writeFile(path.join(webDir, "manifest.webmanifest"), "{}")
    await writeFile(path.join(path.dirname(webDir), "secret.txt"), "outside the web folder")
    server = await startServer({ ...store.env, WEB_DIR: webDir })
  })
  afterAll(async () => {
    await server?.stop()
    await store?.cleanup()
  })

  it("serves index.html at / and for client routes (SPA fallback)", async () => {
    for (const route of ["/", "/notes/123", "/settings/devices", "/pair"]) {
      const response = await fetch(`${server.url}${route}`)
      expect(response.status, route).toBe(200)
      expect(await response.text(), route).toContain("Quire test shell")
      expect(response.headers.get("cache-control"), route).toBe("no-cache")
    }
  })

  it("serves built files, caching hashed assets forever", async () => {
    const asset = await fetch(`${server.url}/assets/app-abc123.js`)
    expect(asset.status).toBe(200)
    expect(await asset.text()).toBe("console.log('app')")
    expect(asset.headers.get("cache-control")).toContain("immutable")
    const manifest = await fetch(`${server.url}/manifest.webmanifest`)
    expect(manifest.status).toBe(200)
    expect(manifest.headers.get("cache-control")).toBe("no-cache")
  })

  it("answers 404 for a missing file and never serves outside the web folder", async () => {
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404)
    for (const sneaky of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const response = await fetch(`${server.url}${sneaky}`)
      expect(await response.text(), sneaky).not.toContain("outside the web folder")
    }
  })

  it("keeps unknown API paths as JSON 404s, not the app shell", async () => {
    const response = await fetch(`${server.url}/api/v1/notes`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ _tag: "RouteNotFound" })
  })

  it("serves the OpenAPI document and its docs page", async () => {
    const spec = await fetch(`${server.url}/api/v1/openapi.json`)
    expect(spec.status).toBe(200)
    const document = (await spec.json()) as { openapi: string; paths: Record<string, unknown> }
    expect(document.openapi).toMatch(/^3\./)
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(["/api/v1/health", "/api/v1/workspaces/{ws}/changes", "/api/v1/pair", "/api/v1/workspaces/restore"])
    )
    const docs = await fetch(`${server.url}/api/v1/docs`)
    expect(docs.status).toBe(200)
    expect(docs.headers.get("content-type")).toContain("text/html")
  })
})
