import { HttpApiBuilder, HttpServerResponse } from "@effect/platform"
import { NodeHttpServerRequest } from "@effect/platform-node"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { Backups } from "../../store/Backups.js"
import { masterOf } from "../Access.js"

/** A restore upload that sends nothing for this long is given up (and rolled back). */
const restoreIdleMs = 60_000

export const BackupHandlers = HttpApiBuilder.group(QuireApi, "backup", (handlers) =>
  Effect.gen(function* () {
    const backups = yield* Backups
    return (
      handlers
        .handle("download", ({ path }) =>
          masterOf(path.ws).pipe(
            Effect.as(
              HttpServerResponse.stream(backups.download(path.ws), {
                contentType: "application/octet-stream",
                headers: { "content-disposition": `attachment; filename="quire-${path.ws}.qbak"` }
              })
            )
          )
        )
        // Raw: the body is read here, as it arrives, never buffered whole (BodyGuard leaves it alone).
        .handleRaw("restore", ({ request }) => {
          const incoming = NodeHttpServerRequest.toIncomingMessage(request)
          const stopReading = () => incoming.destroy()
          incoming.setTimeout(restoreIdleMs, stopReading)
          // The timeout is the socket's: keep-alive must not carry it into the next request.
          return backups.restore(incoming, stopReading).pipe(Effect.ensuring(Effect.sync(() => incoming.setTimeout(0))))
        })
    )
  })
)
