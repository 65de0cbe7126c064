import { HttpApiBuilder } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { Pairings } from "../../auth/Pairings.js"
import { Tokens } from "../../auth/Tokens.js"
import { masterOf } from "../Access.js"

export const DevicesHandlers = HttpApiBuilder.group(QuireApi, "devices", (handlers) =>
  Effect.gen(function* () {
    const pairings = yield* Pairings
    const tokens = yield* Tokens
    return handlers
      .handle("createPairing", ({ path, payload }) =>
        masterOf(path.ws).pipe(Effect.flatMap((caller) => pairings.create(caller, payload.ttlSeconds)))
      )
      .handle("pair", ({ payload }) => pairings.redeem(payload))
      .handle("list", ({ path }) =>
        masterOf(path.ws).pipe(
          Effect.zipRight(tokens.list(path.ws)),
          Effect.map((rows) => ({
            devices: rows.map((row) => ({
              tokenId: row.id,
              deviceId: row.deviceId,
              role: row.role,
              label: row.label,
              createdAt: row.createdAt,
              lastSeenAt: row.lastSeenAt,
              revokedAt: row.revokedAt
            }))
          }))
        )
      )
      .handle("revoke", ({ path }) => masterOf(path.ws).pipe(Effect.zipRight(tokens.revoke(path.ws, path.tokenId))))
      .handle("rotateMaster", ({ path }) =>
        masterOf(path.ws).pipe(
          Effect.flatMap(tokens.rotateMaster),
          Effect.map((masterToken) => ({ masterToken }))
        )
      )
      .handle("recoverMaster", ({ path, payload }) =>
        masterOf(path.ws).pipe(Effect.flatMap((caller) => tokens.recoverMaster(caller, payload.label)))
      )
  })
)
