/**
 * Bounds and reads request bodies for the whole API. A declared length past the route's limit
 * is refused before reading (413); a streamed body is cut off at the limit (413); a body that
 * is not the JSON it claims to be is a 400. Without this, the platform reports the last two
 * as 500s.
 *
 * The limit is MAX_BODY_BYTES, except for two routes whose bodies are binary: a blob is
 * bounded by the protocol's blob size (a number both sides know), and a restore is streamed
 * and bounded by the workspace quota in its handler, so it is left alone here.
 */
import { FileSystem, HttpApiBuilder, type HttpApp, HttpIncomingMessage, HttpServerError, HttpServerRequest } from "@effect/platform"
import { apiPrefix, Limits, MalformedBody, PayloadTooLarge, QuireApi } from "@quire/shared"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { Effect, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { lingerOnDestroy } from "./LingeringClose.js"

const tooLarge = (maxBytes: number) =>
  new PayloadTooLarge({ message: `The request body is larger than this server accepts (${maxBytes} bytes).`, maxBytes })

const isBodyLimitError = (error: HttpServerError.RequestError) =>
  error.cause instanceof Error && error.cause.message === "maxBytes exceeded"

const restorePath = `${apiPrefix}/workspaces/restore`
const blobPath = new RegExp(`^${apiPrefix}/workspaces/[^/]+/blobs/[^/]+$`)

/**
 * The most bytes this request's body may have; "streamed" when its handler bounds it, "none"
 * for methods whose endpoints take no body (nothing reads one).
 */
const bodyLimitOf = (method: string, url: string, maxBodyBytes: number): number | "streamed" | "none" => {
  if (method === "GET" || method === "HEAD" || method === "DELETE") return "none"
  // The raw path, as the router matches it (parsing a URL per request shows in profiles).
  const query = url.indexOf("?")
  const pathname = query === -1 ? url : url.slice(0, query)
  if (method === "POST" && pathname === restorePath) return "streamed"
  if (method === "PUT" && blobPath.test(pathname)) return Limits.maxBlobBytes
  return maxBodyBytes
}

export const BodyGuardLive = HttpApiBuilder.middleware(
  QuireApi,
  Effect.map(
    AppConfig,
    ({ maxBodyBytes }) =>
      (app: HttpApp.Default) =>
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
          const limit = bodyLimitOf(request.method, request.url, maxBodyBytes)
          if (limit === "streamed" || limit === "none") return app
          const length = request.headers["content-length"]
          if (Number(length ?? 0) > limit) return Effect.fail(tooLarge(limit))
          // Only a body without a declared length can pass the limit while it is being read.
          const lingering = length === undefined ? lingerOnDestroy(NodeHttpServerRequest.toIncomingMessage(request)) : undefined
          return app.pipe(
            Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(limit))),
            Effect.catchAllDefect((defect): Effect.Effect<never, MalformedBody | PayloadTooLarge> => {
              if (!HttpServerError.isServerError(defect) || defect._tag !== "RequestError") return Effect.die(defect)
              if (isBodyLimitError(defect)) {
                return lingering
                  ? Effect.zipRight(Effect.promise(lingering.drained), Effect.fail(tooLarge(limit)))
                  : Effect.fail(tooLarge(limit))
              }
              return Effect.fail(
                new MalformedBody({
                  message: `The request body could not be read as ${request.headers["content-type"] ?? "application/json"}: ${
                    defect.cause instanceof Error ? defect.cause.message : defect.reason
                  }`
                })
              )
            })
          )
        })
  )
)
