import { HttpApiBuilder } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect, Layer } from "effect"
import { Blobs } from "../../store/Blobs.js"
import { callerOf, masterOf } from "../Access.js"
import { BlobBodyLive } from "../BlobBody.js"

/** Any token of the workspace reads and writes blobs; only the master deletes them. */
const BlobsGroup = HttpApiBuilder.group(QuireApi, "blobs", (handlers) =>
  Effect.gen(function* () {
    const blobs = yield* Blobs
    return handlers
      .handle("put", ({ path, payload }) =>
        callerOf(path.ws).pipe(
          Effect.zipRight(blobs.put(path.ws, path.id, payload)),
          Effect.map((stored) => ({ stored }))
        )
      )
      .handle("get", ({ path }) => callerOf(path.ws).pipe(Effect.zipRight(blobs.get(path.ws, path.id))))
      .handle("missing", ({ path, payload }) =>
        callerOf(path.ws).pipe(
          Effect.zipRight(blobs.missing(path.ws, payload.ids)),
          Effect.map((missing) => ({ missing }))
        )
      )
      .handle("delete", ({ path }) => masterOf(path.ws).pipe(Effect.zipRight(blobs.remove(path.ws, path.id))))
  })
)

/** The group, and the reader of its binary bodies (BlobBody) that comes with it. */
export const BlobsHandlers = Layer.merge(BlobsGroup, BlobBodyLive)
