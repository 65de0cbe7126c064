/**
 * A blob's body read with one copy. The platform's reader joins the pieces as they arrive,
 * each join copying everything read so far (a browser sends a 1 MiB blob in pieces of 16 to
 * 64 KiB: tens of megabytes copied per blob), and the API builder then copies the result once
 * more. Here the pieces are kept and copied once into a buffer of the body's size, which the
 * builder takes as it is. The limit and its error are the platform's (see BodyGuard).
 */
import { HttpApiBuilder, type HttpApp, HttpIncomingMessage, HttpServerError, HttpServerRequest } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { apiPrefix, QuireApi } from "@quire/shared"
import { Effect, Option } from "effect"

const blobPath = new RegExp(`^${apiPrefix}/workspaces/[^/]+/blobs/[^/?]+(\\?.*)?$`)

const readBody = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.flatMap(HttpIncomingMessage.MaxBodySize, (maxBodySize) =>
    Effect.async<ArrayBuffer, HttpServerError.RequestError>((resume) => {
      const incoming = NodeHttpServerRequest.toIncomingMessage(request)
      const limit = Option.getOrUndefined(maxBodySize)
      const pieces: Array<Buffer> = []
      let length = 0
      const fail = (cause: unknown) => {
        stop()
        resume(Effect.fail(new HttpServerError.RequestError({ request, reason: "Decode", cause })))
      }
      const onData = (piece: Buffer) => {
        length += piece.length
        if (limit !== undefined && length > Number(limit)) {
          fail(new Error("maxBytes exceeded"))
          // As the platform does; a body without a declared length lingers instead (LingeringClose).
          incoming.destroy()
          return
        }
        pieces.push(piece)
      }
      const onEnd = () => {
        stop()
        const body = new Uint8Array(length)
        let at = 0
        for (const piece of pieces) {
          body.set(piece, at)
          at += piece.length
        }
        resume(Effect.succeed(body.buffer))
      }
      const stop = () => {
        incoming.off("data", onData)
        incoming.off("end", onEnd)
        incoming.off("error", fail)
      }
      incoming.on("data", onData)
      incoming.once("end", onEnd)
      incoming.once("error", fail)
      return Effect.sync(stop)
    })
  )

/** The request as the handlers see it, but with a blob's body read by `readBody`. */
const withBlobBody = (request: HttpServerRequest.HttpServerRequest): HttpServerRequest.HttpServerRequest =>
  Object.create(request, {
    arrayBuffer: { get: () => readBody(request) }
  }) as HttpServerRequest.HttpServerRequest

export const BlobBodyLive = HttpApiBuilder.middleware(QuireApi, (app: HttpApp.Default) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.method === "PUT" && blobPath.test(request.url)
      ? Effect.provideService(app, HttpServerRequest.HttpServerRequest, withBlobBody(request))
      : app
  )
)
