/**
 * SERVER_QUOTA_BYTES: the bytes all workspaces together may store, since anyone may create
 * workspaces and restore backups. Past it, writes that would grow the store get 413
 * `ServerFull`; writes that shrink it, or store nothing new, always go through.
 *
 * The total is `sum(workspaces.bytes_used)`, which each write already keeps exact under its
 * workspace's row lock; there is no global counter row, because every write locking one row
 * would serialise all workspaces' commits. Instead each process keeps the total in memory:
 * read from the database at start and again in the background (every second, or less often
 * when the sum itself gets slow), plus this process's own writes as they commit. A write that
 * would pass the quota by that figure reads the sum again in its transaction before it is
 * refused, so a write is never refused on a stale figure. What a write may miss is what other
 * processes stored since the last refresh, so with several processes the quota can be passed
 * by at most about a second of their writes; docs in ARCHITECTURE.md.
 */
import { ServerFull } from "@quire/shared"
import { sql } from "drizzle-orm"
import { Duration, Effect, Exit } from "effect"
import { AppConfig } from "../config/AppConfig.js"
import { Database, type Db, type Tx } from "./Database.js"

/** The sum of every workspace's bytes, read through `db` (inside a write: its transaction). */
export const storedBytes = async (db: Db | Tx): Promise<number> => {
  const { rows } = await db.execute<{ total: string }>(sql`SELECT coalesce(sum(bytes_used), 0) AS total FROM workspaces`)
  return Number(rows[0]!.total)
}

/** Refresh at least this often … */
const minRefresh = Duration.seconds(1)
/** … but spend at most about 1% of the time summing, however many workspaces there are. */
const refreshCostFactor = 100

const serverFull = () =>
  new ServerFull({ message: "This server has no room left for more data; ask whoever runs it to make room or raise its quota." })

/** One write's share of the server quota, taken inside its transaction. */
export interface Claim {
  /**
   * Claims room for `netBytes`, the write's whole growth so far (a restore calls it again as
   * it grows; a shrinking write passes a negative number). `read` runs the exact sum in the
   * write's transaction when the figure in memory says there is no room; on the embedded
   * database that is the only connection. Answers `ServerFull` when there is none.
   */
  readonly take: (netBytes: number, read: () => Promise<number>) => Promise<ServerFull | undefined>
  /** Whether a new workspace may be created: there must be room left at all. */
  readonly ensureNotFull: (read: () => Promise<number>) => Promise<ServerFull | undefined>
}

export class ServerUsage extends Effect.Service<ServerUsage>()("@quire/server/ServerUsage", {
  scoped: Effect.gen(function* () {
    const { query } = yield* Database
    const { serverQuotaBytes } = yield* AppConfig
    /** Committed bytes as last read, plus this process's writes committed since. */
    let stored = yield* query(storedBytes)
    /** Net bytes of this process's writes still in flight. */
    let inFlight = 0

    const refresh = Effect.gen(function* () {
      const started = performance.now()
      stored = yield* query(storedBytes)
      return Duration.max(minRefresh, Duration.millis((performance.now() - started) * refreshCostFactor))
    })
    yield* Effect.forkScoped(
      Effect.iterate(minRefresh, {
        while: () => true,
        body: (wait) =>
          Effect.sleep(wait).pipe(
            Effect.zipRight(refresh),
            // A database hiccup must not end the refreshing: keep the last figure and try again.
            Effect.catchAllCause((cause) =>
              Effect.logWarning("Could not read the server's stored bytes", cause).pipe(Effect.as(minRefresh))
            )
          )
      })
    )

    /** Room for `bytes` more besides `others` in flight, checked against the database when memory says no. */
    const hasRoom = async (bytes: number, others: number, read: () => Promise<number>, full: (total: number) => boolean) => {
      if (!full(stored + others + bytes)) return true
      stored = await read()
      return !full(stored + others + bytes)
    }

    /**
     * Runs `write` with a `Claim`; what it claimed counts as in flight until it ends and as
     * stored if it succeeded.
     */
    const claiming = <A, E, R>(write: (claim: Claim) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.suspend(() => {
        let claimed = 0
        const claim: Claim = {
          take: async (netBytes, read) => {
            const others = inFlight - claimed
            if (netBytes > 0 && !(await hasRoom(netBytes, others, read, (total) => total > serverQuotaBytes))) return serverFull()
            inFlight += netBytes - claimed
            claimed = netBytes
            return undefined
          },
          ensureNotFull: async (read) =>
            (await hasRoom(0, inFlight - claimed, read, (total) => total >= serverQuotaBytes)) ? undefined : serverFull()
        }
        return write(claim).pipe(
          Effect.onExit((exit) =>
            Effect.sync(() => {
              inFlight -= claimed
              if (Exit.isSuccess(exit)) stored += claimed
            })
          )
        )
      })

    /** Bytes freed by a committed write that needed no claim (a workspace or blob deleted). */
    const freed = (bytes: number) =>
      Effect.sync(() => {
        stored -= bytes
      })

    return { claiming, freed } as const
  })
}) {}
