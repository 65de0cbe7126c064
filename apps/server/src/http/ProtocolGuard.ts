/**
 * Refuses a client that names another protocol version (header `quire-protocol`) with 400
 * `ProtocolMismatch`, before anything else reads the request: an old app must learn it needs
 * an update, not misread a v2 answer. Without the header (curl, the docs page) requests pass.
 */
import { HttpApiBuilder, type HttpApp, HttpServerRequest } from "@effect/platform"
import { protocolHeader, protocolVersion, ProtocolMismatch, QuireApi } from "@quire/shared"
import { Effect } from "effect"

const mismatchOf = (spoken: string): ProtocolMismatch | undefined => {
  if (spoken.trim() === String(protocolVersion)) return undefined
  const newer = Number(spoken) > protocolVersion
  return new ProtocolMismatch({
    message: `This app speaks protocol ${spoken}; the server speaks ${protocolVersion}. ${
      newer ? "The server is older than the app: ask whoever runs it to update it." : "Update the app."
    }`,
    serverVersion: protocolVersion
  })
}

export const ProtocolGuardLive = HttpApiBuilder.middleware(QuireApi, (app: HttpApp.Default) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => {
    const spoken = request.headers[protocolHeader]
    const mismatch = spoken === undefined ? undefined : mismatchOf(spoken)
    return mismatch ? Effect.fail(mismatch) : app
  })
)
