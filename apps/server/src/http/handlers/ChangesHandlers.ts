import { HttpApiBuilder } from "@effect/platform"
import { Limits, QuireApi } from "@quire/shared"
import { Duration, Effect } from "effect"
import { Notifier } from "../../notify/Notifier.js"
import { ChangeLog } from "../../store/ChangeLog.js"
import { callerOf } from "../Access.js"

export const ChangesHandlers = HttpApiBuilder.group(QuireApi, "changes", (handlers) =>
  Effect.gen(function* () {
    const changeLog = yield* ChangeLog
    const notifier = yield* Notifier
    return handlers
      .handle("push", ({ path, payload }) =>
        callerOf(path.ws).pipe(
          Effect.flatMap((caller) => changeLog.push(caller, payload.changes)),
          Effect.map(({ results, headSeq }) => ({ results, headSeq }))
        )
      )
      .handle("pull", ({ path, urlParams }) =>
        callerOf(path.ws).pipe(
          Effect.zipRight(
            changeLog.pull(
              path.ws,
              urlParams.after ?? 0,
              urlParams.limit ?? Limits.defaultPageSize,
              urlParams.maxBytes ?? Limits.defaultPageBytes
            )
          )
        )
      )
      .handle("wait", ({ path, urlParams }) =>
        callerOf(path.ws).pipe(
          Effect.zipRight(
            notifier.waitPast(
              path.ws,
              urlParams.after,
              Duration.seconds(urlParams.timeout ?? Limits.defaultWaitSeconds),
              changeLog.headSeq(path.ws)
            )
          ),
          // What woke the long-poll goes with its answer when asked for: one request instead of two.
          // When it is exactly what the push that woke it stored, the log is not read for it.
          Effect.flatMap(({ head, appended }) => {
            const { after, limit, maxBytes = Limits.defaultPageBytes } = urlParams
            if (limit === undefined || head <= after) return Effect.succeed({ headSeq: head })
            const page = appended && changeLog.pageOf(appended, after, limit, maxBytes)
            return page ? Effect.succeed(page) : changeLog.pull(path.ws, after, limit, maxBytes)
          })
        )
      )
      .handle("compact", ({ path, payload }) =>
        callerOf(path.ws).pipe(
          Effect.flatMap((caller) => changeLog.compact(caller, payload)),
          Effect.map(({ seq, removed, headSeq }) => ({ seq, removed, headSeq }))
        )
      )
  })
)
