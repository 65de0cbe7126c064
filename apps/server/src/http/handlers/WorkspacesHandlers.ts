import { HttpApiBuilder } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { AppConfig } from "../../config/AppConfig.js"
import { Workspaces } from "../../store/Workspaces.js"
import { callerOf, masterOf } from "../Access.js"

export const WorkspacesHandlers = HttpApiBuilder.group(QuireApi, "workspaces", (handlers) =>
  Effect.gen(function* () {
    const workspaces = yield* Workspaces
    const { workspaceQuotaBytes } = yield* AppConfig
    return handlers
      .handle("create", ({ payload }) => workspaces.create(payload.label))
      .handle("get", ({ path }) =>
        callerOf(path.ws).pipe(
          Effect.zipRight(workspaces.get(path.ws)),
          Effect.map((row) => ({
            workspaceId: row.id,
            headSeq: row.headSeq,
            changeCount: row.changeCount,
            bytesUsed: row.bytesUsed,
            quotaBytes: workspaceQuotaBytes,
            createdAt: row.createdAt
          }))
        )
      )
      .handle("delete", ({ path }) => masterOf(path.ws).pipe(Effect.zipRight(workspaces.remove(path.ws))))
  })
)
