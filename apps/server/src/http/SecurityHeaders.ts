/**
 * Security headers on every response, pages and API alike, errors included (they are added as
 * the response leaves, after any error became a response).
 *
 * The app's policy allows only its own origin: no inline or remote scripts, so an injected
 * `<script>` cannot run; images from the app, `data:` and `blob:` only, so a note's Markdown
 * cannot load a remote tracker; no framing. Loro's WebAssembly needs `'wasm-unsafe-eval'`
 * (compiling WebAssembly, not `eval`). Inline styles stay allowed: React and rendered Markdown
 * set style attributes, and a style cannot run script or, with these sources, load anything
 * from elsewhere.
 *
 * The Swagger docs page is different: it is one HTML file with its script inline, so it gets
 * no script policy at all but `sandbox allow-scripts`, which runs it in an opaque origin: it
 * can neither read the app's storage (IndexedDB holds the workspace key) nor call the API with
 * its cookies. It shows the OpenAPI document it carries inline.
 */
import { HttpApp, HttpServerResponse } from "@effect/platform"
import { apiPrefix } from "@quire/shared"
import { Effect, Layer, Option } from "effect"

export const appContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join("; ")

export const docsContentSecurityPolicy = "sandbox allow-scripts; frame-ancestors 'none'"

const docsPath = `${apiPrefix}/docs`

const common = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer"
} as const

const appHeaders = { ...common, "content-security-policy": appContentSecurityPolicy }
const docsHeaders = { ...common, "content-security-policy": docsContentSecurityPolicy }

const isDocs = (url: string) => {
  const query = url.indexOf("?")
  return (query === -1 ? url : url.slice(0, query)) === docsPath
}

/**
 * Sets the headers as every response leaves, errors included: installed once for the whole
 * server (every request inherits it), not added per request.
 */
export const withSecurityHeaders = <A, E, R>(server: Layer.Layer<A, E, R>): Layer.Layer<A, E, R> =>
  Layer.locally(
    server,
    HttpApp.currentPreResponseHandlers,
    Option.some((request, response) =>
      Effect.succeed(HttpServerResponse.setHeaders(response, isDocs(request.url) ? docsHeaders : appHeaders))
    )
  )
