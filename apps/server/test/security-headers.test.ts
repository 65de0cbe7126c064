/** Browser security headers on every page and API answer, over loopback. */
import { mkdir, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { tempDir, testDatabases } from "./support/databases.js"
import { createWorkspace } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

/** The directives of a Content-Security-Policy header, by name. */
const directives = (policy: string | null) =>
  new Map(
    (policy ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values])
  )

const webDir = await tempDir("web-headers")
await mkdir(path.join(webDir, "assets"))
await writeFile(
  path.join(webDir, "index.html"),
  `<!doctype html><title>Quire</title><script type="module" src="/assets/index-abc.js"></script>`
)
await writeFile(path.join(webDir, "assets", "index-abc.js"), "console.log('app')")
await writeFile(path.join(webDir, "sw.js"), "self.addEventListener('fetch', () => {})")
await writeFile(path.join(webDir, "manifest.webmanifest"), `{"name":"Quire"}`)
afterAll(() => rm(webDir, { recursive: true, force: true }))

describe.each(testDatabases())("security headers on $name", (database) => {
  const server = serverPerSuite(database, { WEB_DIR: webDir })

  const expectAppHeaders = (response: Response, what: string) => {
    expect(response.headers.get("x-content-type-options"), what).toBe("nosniff")
    expect(response.headers.get("referrer-policy"), what).toBe("no-referrer")
    const csp = directives(response.headers.get("content-security-policy"))
    expect(csp.get("default-src"), what).toEqual(["'self'"])
    // No inline or remote script; Loro's WebAssembly may compile.
    expect(csp.get("script-src"), what).toEqual(["'self'", "'wasm-unsafe-eval'"])
    expect(csp.get("img-src"), what).toEqual(["'self'", "data:", "blob:"])
    expect(csp.get("frame-ancestors"), what).toEqual(["'none'"])
    expect(csp.get("object-src"), what).toEqual(["'none'"])
    expect(csp.get("connect-src"), what).toEqual(["'self'"])
    expect(csp.has("sandbox"), what).toBe(false)
  }

  it("every page of the app, its service worker, manifest and assets carry the app's strict policy", async () => {
    for (const route of ["/", "/notes/123", "/pair", "/sw.js", "/manifest.webmanifest", "/assets/index-abc.js", "/assets/missing.js"]) {
      const response = await fetch(`${server.url}${route}`)
      await response.arrayBuffer()
      expectAppHeaders(response, route)
    }
    // The service worker and the manifest still load as what they are.
    const worker = await fetch(`${server.url}/sw.js`)
    expect(worker.status).toBe(200)
    expect(worker.headers.get("content-type")).toMatch(/javascript/)
    expect(await worker.text()).toContain("addEventListener")
    const manifest = await fetch(`${server.url}/manifest.webmanifest`)
    expect(manifest.status).toBe(200)
    expect(await manifest.json()).toEqual({ name: "Quire" })
  })

  it("every API answer carries them too, errors included", async () => {
    const ws = await createWorkspace(server.url)
    const answers: Array<[string, Promise<Response>, number]> = [
      ["health", fetch(`${server.url}/api/v1/health`), 200],
      [
        "workspace",
        fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}`, { headers: { authorization: `Bearer ${ws.masterToken}` } }),
        200
      ],
      ["no token", fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}`), 401],
      [
        "bad body",
        fetch(`${server.url}/api/v1/workspaces`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
        400
      ],
      ["unknown endpoint", fetch(`${server.url}/api/v1/notes`), 404],
      ["openapi", fetch(`${server.url}/api/v1/openapi.json`), 200]
    ]
    for (const [what, answer, status] of answers) {
      const response = await answer
      await response.arrayBuffer()
      expect(response.status, what).toBe(status)
      expectAppHeaders(response, what)
    }
  })

  it("the API docs page runs sandboxed in an opaque origin and still carries its script and the OpenAPI document", async () => {
    const docs = await fetch(`${server.url}/api/v1/docs`)
    expect(docs.status).toBe(200)
    expect(docs.headers.get("content-type")).toContain("text/html")
    const csp = directives(docs.headers.get("content-security-policy"))
    expect(csp.get("sandbox")).toEqual(["allow-scripts"])
    // allow-same-origin would give it the app's origin, and with it the app's IndexedDB.
    expect(csp.get("sandbox")).not.toContain("allow-same-origin")
    expect(csp.get("frame-ancestors")).toEqual(["'none'"])
    expect(csp.has("script-src")).toBe(false)
    expect(docs.headers.get("x-content-type-options")).toBe("nosniff")
    expect(docs.headers.get("referrer-policy")).toBe("no-referrer")
    // Swagger UI and the document are inline, so nothing it renders is fetched from elsewhere.
    const html = await docs.text()
    expect(html).toContain("SwaggerUIBundle")
    expect(html).toContain('id="swagger-spec"')
    expect(html).toContain("/api/v1/workspaces/{ws}/changes")
    const spec = await fetch(`${server.url}/api/v1/openapi.json`)
    expect(spec.status).toBe(200)
    expect(((await spec.json()) as { openapi: string }).openapi).toMatch(/^3\./)
  })
})
