/**
 * Serves the built web app at `/` with a single-page-app fallback: a path that names no file
 * gets `index.html`, so client routes like `/notes/123` load the app. Unknown `/api/…` paths
 * answer a JSON 404 instead of the page.
 */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { apiPrefix, RouteNotFound } from "@quire/shared"
import { Effect } from "effect"
import { stat } from "node:fs/promises"
import * as path from "node:path"
import { AppConfig } from "../config/AppConfig.js"

const isFile = (file: string) =>
  Effect.promise(() =>
    stat(file).then(
      (s) => s.isFile(),
      () => false
    )
  )

/** Hashed build output never changes under one name; everything else must be revalidated. */
const cacheControl = (relative: string) => (relative.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache")

export const StaticFilesLive = HttpApiBuilder.Router.use((router) =>
  Effect.gen(function* () {
    const { webDir } = yield* AppConfig
    const indexFile = path.join(webDir, "index.html")

    yield* router.all(
      `${apiPrefix}/*`,
      Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
        Effect.fail(new RouteNotFound({ message: `No API endpoint ${request.method} ${request.url}.` }))
      )
    )

    yield* router.get(
      "*",
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const pathname = decodeURIComponent(new URL(request.url, "http://local").pathname)
        const relative = path
          .normalize(pathname)
          .replace(/^(\.\.(\/|\\|$))+/, "")
          .replace(/^[/\\]+/, "")
        const candidate = path.join(webDir, relative)
        if (relative !== "" && candidate.startsWith(webDir + path.sep) && (yield* isFile(candidate))) {
          return yield* HttpServerResponse.file(candidate, { headers: { "cache-control": cacheControl(relative) } })
        }
        if (path.extname(relative) === "" && (yield* isFile(indexFile))) {
          return yield* HttpServerResponse.file(indexFile, { headers: { "cache-control": "no-cache" } })
        }
        return HttpServerResponse.text((yield* isFile(indexFile)) ? "Not found" : "The web app is not built yet: run `npm run build`.", {
          status: 404
        })
      }).pipe(Effect.orDie)
    )
  })
)
