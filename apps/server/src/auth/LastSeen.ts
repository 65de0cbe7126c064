/**
 * `last_seen_at` of tokens, written off the request path: a request only notes that its token
 * was seen (when its stored time is more than a minute old), and the noted tokens are written
 * in one statement every few seconds, when the device list is read, and when the server stops.
 * A write per request would be a second round trip on every push.
 */
import { Duration, Effect, Schedule } from "effect"
import { Database } from "../store/Database.js"

/** How stale `last_seen_at` may get before a request refreshes it. */
export const lastSeenResolution = "1 minute"

const flushEvery = Duration.seconds(5)

const markSeen = `
  UPDATE tokens t SET last_seen_at = now()
  FROM unnest($1::uuid[], $2::uuid[]) AS seen(workspace_id, id)
  WHERE t.workspace_id = seen.workspace_id AND t.id = seen.id
    AND (t.last_seen_at IS NULL OR t.last_seen_at < now() - interval '${lastSeenResolution}')
`

export class LastSeen extends Effect.Service<LastSeen>()("@quire/server/LastSeen", {
  scoped: Effect.gen(function* () {
    const { pool } = yield* Database
    const due = new Map<string, readonly [workspaceId: string, tokenId: string]>()

    const flush = Effect.suspend(() => {
      if (due.size === 0) return Effect.void
      const batch = [...due.values()]
      due.clear()
      return Effect.promise(() =>
        pool.query(markSeen, [batch.map(([workspaceId]) => workspaceId), batch.map(([, tokenId]) => tokenId)])
      ).pipe(Effect.asVoid)
    })

    yield* Effect.forkScoped(
      flush.pipe(
        Effect.catchAllCause((cause) => Effect.logWarning("Could not record when devices were last seen", cause)),
        Effect.repeat(Schedule.spaced(flushEvery))
      )
    )
    yield* Effect.addFinalizer(() => flush.pipe(Effect.catchAllCause(() => Effect.void)))

    const seen = (workspaceId: string, tokenId: string) =>
      Effect.sync(() => {
        due.set(`${workspaceId}/${tokenId}`, [workspaceId, tokenId])
      })

    return { seen, flush } as const
  })
}) {}
