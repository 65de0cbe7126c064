import { HttpApiBuilder } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { Backups } from "../../store/Backups.js"
import { masterOf } from "../Access.js"

export const BackupHandlers = HttpApiBuilder.group(QuireApi, "backup", (handlers) =>
  Effect.gen(function* () {
    const backups = yield* Backups
    return handlers
      .handle("download", ({ path }) => masterOf(path.ws).pipe(Effect.zipRight(backups.download(path.ws))))
      .handle("restore", ({ payload }) => backups.restore(payload))
  })
)
