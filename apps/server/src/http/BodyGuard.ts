/**
 * Bounds and reads request bodies for the whole API. A declared length past MAX_BODY_BYTES is
 * refused before reading (413); a streamed body is cut off at the limit (413); a body that is
 * not the JSON it claims to be is a 400. Without this, the platform reports the last two as 500s.
 */
import { FileSystem, HttpApiBuilder, type HttpApp, HttpIncomingMessage, HttpServerError, HttpServerRequest } from "@effect/platform"
import { MalformedBody, PayloadTooLarge, QuireApi } from "@quire/shared"
import { Effect, Option } from "effect"
import { AppConfig } from "../config/AppConfig.js"

const tooLarge = (maxBytes: number) =>
  new PayloadTooLarge({ message: `The request body is larger than this server accepts (${maxBytes} bytes).`, maxBytes })

const isBodyLimitError = (error: HttpServerError.RequestError) =>
  error.cause instanceof Error && error.cause.message === "maxBytes exceeded"

export const BodyGuardLive = HttpApiBuilder.middleware(
  QuireApi,
  Effect.map(AppConfig, ({ maxBodyBytes }) =>
    (app: HttpApp.Default) =>
      Effect.gen(function* () {
        const request = yield* HttpServerRequest.HttpServerRequest
        const declared = Number(request.headers["content-length"] ?? 0)
        if (declared > maxBodyBytes) return yield* tooLarge(maxBodyBytes)
        return yield* app.pipe(
          Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(maxBodyBytes))),
          Effect.catchAllDefect((defect): Effect.Effect<never, MalformedBody | PayloadTooLarge> => {
            if (!HttpServerError.isServerError(defect) || defect._tag !== "RequestError") return Effect.die(defect)
            if (isBodyLimitError(defect)) return Effect.fail(tooLarge(maxBodyBytes))
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
