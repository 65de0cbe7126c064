/**
 * Rate-limit state in the database, so the limit holds however many server processes share it.
 *
 * Each bucket is a token bucket stored as GCRA does it: not a count of tokens but the time the
 * bucket will be full again (`full_at`). A request costs one emission interval (window / limit):
 * it is admitted when pushing `full_at` that far ahead keeps it within one window of now, which
 * is exactly a bucket of `limit` tokens refilled evenly over the window. One upsert decides,
 * under the row's lock, so concurrent requests from several processes cannot both take the last
 * token. Times are the database's, so every process agrees on them.
 */
import { Duration, Effect, Schedule } from "effect"
import { Database } from "./Database.js"

const take = `
  WITH taken AS (
    INSERT INTO rate_limits AS r (bucket, window_seconds, full_at)
    VALUES ($1, $2::int, now() + make_interval(secs => $3::float8))
    ON CONFLICT (bucket, window_seconds) DO UPDATE
      SET full_at = greatest(r.full_at, now()) + make_interval(secs => $3::float8)
      WHERE greatest(r.full_at, now()) + make_interval(secs => $3::float8) <= now() + make_interval(secs => $2::int)
    RETURNING 1
  )
  SELECT EXISTS (SELECT 1 FROM taken) AS admitted,
         (SELECT extract(epoch FROM greatest(full_at, now()) + make_interval(secs => $3::float8) - now() - make_interval(secs => $2::int))
          FROM rate_limits WHERE bucket = $1 AND window_seconds = $2::int)::float8 AS wait_seconds
`

/** A bucket full again holds nothing a missing row would not: such rows are deleted this often. */
const sweepEvery = Duration.minutes(1)

export class RateLimits extends Effect.Service<RateLimits>()("@quire/server/RateLimits", {
  scoped: Effect.gen(function* () {
    const { pool } = yield* Database

    yield* Effect.forkScoped(
      Effect.promise(() => pool.query("DELETE FROM rate_limits WHERE full_at < now()")).pipe(
        Effect.catchAllDefect((defect) => Effect.logWarning("Could not sweep the rate-limit table", defect)),
        Effect.repeat(Schedule.spaced(sweepEvery)),
        Effect.delay(sweepEvery)
      )
    )

    /**
     * Takes one request from `bucket`'s budget of `limit` per `windowSeconds`; answers 0 when
     * admitted, else the whole seconds until a request would be.
     */
    const takeOne = (bucket: string, limit: number, windowSeconds: number) =>
      Effect.promise(() =>
        pool.query<{ admitted: boolean; wait_seconds: number | null }>(take, [bucket, windowSeconds, windowSeconds / limit])
      ).pipe(Effect.map(({ rows: [row] }) => (row!.admitted ? 0 : Math.max(1, Math.ceil(row!.wait_seconds ?? 1)))))

    return { takeOne } as const
  })
}) {}
