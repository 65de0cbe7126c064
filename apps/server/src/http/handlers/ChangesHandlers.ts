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
          Effect.flatMap((headSeq) =>
            urlParams.limit === undefined || headSeq <= urlParams.after
              ? Effect.succeed({ headSeq })
              : changeLog.pull(path.ws, urlParams.after, urlParams.limit, urlParams.maxBytes ?? Limits.defaultPageBytes)
          )
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
