/**
 * Wakes long-polls of `changes/wait` when a workspace's head moves. A write in this process
 * announces its new head after its commit: long-polls here are woken at once, and other
 * processes on the same Postgres hear of it through NOTIFY, which they LISTEN for.
 *
 * NOTIFY is sent after the commit, not inside the writing transaction: Postgres serialises the
 * commits of every transaction that notifies (a database-wide lock held through the commit),
 * which would make all workspaces' pushes commit one at a time. Heads announced within a few
 * milliseconds are sent together in one NOTIFY statement, with asynchronous commit (a
 * notification needs no durability): a query per push cost more than the push's own write.
 * Other processes' long-polls wake that much later. What this gives up: a process that dies between a commit and its
 * NOTIFY leaves other processes' long-polls to find the change at their timeout. Wake-ups
 * missed while the LISTEN connection was down are not lost: on every (re)connect each waited
 * workspace's head is read again.
 */
import { Deferred, Duration, Effect, Option, Runtime, Schedule } from "effect"
import pg from "pg"
import type { Appended } from "../store/ChangePages.js"
import { Database } from "../store/Database.js"

export const notifyChannel = "quire_changes"

/** How the LISTEN connection names itself in `pg_stat_activity`. */
export const listenApplicationName = "quire-listen"

/** How long announced heads are gathered before one NOTIFY carries them to other processes. */
const notifyWindow = Duration.millis(10)

/** What ends a wait: the head that woke it (0 on a timeout or a stop), and what the push that moved it stored, when known. */
export interface Wake {
  readonly head: number
  readonly appended?: Appended
}

const notWoken: Wake = { head: 0 }

interface Waiter {
  readonly after: number
  readonly wake: Deferred.Deferred<Wake>
}

export class Notifier extends Effect.Service<Notifier>()("@quire/server/Notifier", {
  scoped: Effect.gen(function* () {
    const { listenConfig, pool } = yield* Database
    const waiters = new Map<string, Set<Waiter>>()
    let draining = false

    const wake = (workspaceId: string, headSeq: number, appended?: Appended) => {
      const woken: Wake = appended ? { head: headSeq, appended } : { head: headSeq }
      for (const waiter of waiters.get(workspaceId) ?? []) {
        if (headSeq > waiter.after) Deferred.unsafeDone(waiter.wake, Effect.succeed(woken))
      }
    }

    /** Heads to NOTIFY other processes of, latest per workspace, gathered until the next NOTIFY. */
    const outgoing = new Map<string, number>()
    let sending = false
    const sendOutgoing = Effect.gen(function* () {
      yield* Effect.sleep(notifyWindow)
      while (outgoing.size > 0) {
        const payloads = [...outgoing].map(([workspaceId, headSeq]) => pg.escapeLiteral(`${workspaceId}:${headSeq}`))
        outgoing.clear()
        yield* Effect.promise(() =>
          pool.query(
            `BEGIN; SET LOCAL synchronous_commit TO OFF;
             SELECT pg_notify('${notifyChannel}', payload) FROM (VALUES (${payloads.join("), (")})) AS sent(payload);
             COMMIT`
          )
        )
      }
    }).pipe(
      Effect.catchAllCause((cause) => Effect.logWarning("Could not notify other server processes", cause)),
      Effect.ensuring(Effect.sync(() => (sending = false)))
    )

    /** After a commit that moved the head of `workspaceId` to `headSeq`, storing `appended` when given. */
    const announce = (workspaceId: string, headSeq: number, appended?: Appended) =>
      Effect.suspend(() => {
        wake(workspaceId, headSeq, appended)
        if (Option.isNone(listenConfig)) return Effect.void
        outgoing.set(workspaceId, Math.max(headSeq, outgoing.get(workspaceId) ?? 0))
        if (sending) return Effect.void
        sending = true
        return Effect.asVoid(Effect.forkDaemon(sendOutgoing))
      })

    /**
     * Waits until the head of `workspaceId` passes `after`, or `timeout` passes. `readHead` is
     * read once after registering (so no announcement can slip between); a wake-up carries the
     * committed head that caused it (and, from a push in this process, what it stored), so
     * waking a thousand waiters reads nothing; a timeout or a stop reads the head again.
     */
    const waitPast = (workspaceId: string, after: number, timeout: Duration.DurationInput, readHead: Effect.Effect<number>) =>
      Effect.gen(function* () {
        const waiter: Waiter = { after, wake: yield* Deferred.make<Wake>() }
        const set = waiters.get(workspaceId) ?? new Set()
        waiters.set(workspaceId, set)
        set.add(waiter)
        const unregister = Effect.sync(() => {
          set.delete(waiter)
          if (set.size === 0 && waiters.get(workspaceId) === set) waiters.delete(workspaceId)
        })
        // A plain timer, not a fiber racing the wait: with a thousand waiters, the fibers and
        // their continuations were much of what a waiter cost.
        let timer: ReturnType<typeof setTimeout> | undefined
        return yield* Effect.gen(function* () {
          const head = yield* readHead
          if (head > after || draining) return { head }
          timer = setTimeout(() => Deferred.unsafeDone(waiter.wake, Effect.succeed(notWoken)), Duration.toMillis(timeout))
          const woken = yield* Deferred.await(waiter.wake)
          return woken.head > after ? woken : { head: yield* readHead }
        }).pipe(
          Effect.ensuring(
            Effect.zipRight(
              unregister,
              Effect.sync(() => clearTimeout(timer))
            )
          )
        )
      })

    /** Answers every open long-poll now, and every new one at once: the server is stopping. */
    const drain = Effect.sync(() => {
      draining = true
      for (const set of waiters.values()) for (const waiter of set) Deferred.unsafeDone(waiter.wake, Effect.succeed(notWoken))
    })

    /** Reads the head of every workspace someone waits on and wakes whoever it passed. */
    const recheckWaiters = Effect.suspend(() => {
      const workspaceIds = [...waiters.keys()]
      if (workspaceIds.length === 0) return Effect.void
      return Effect.promise(() =>
        pool.query<{ id: string; head_seq: string }>("SELECT id, head_seq FROM workspaces WHERE id = ANY($1::uuid[])", [workspaceIds])
      ).pipe(Effect.map(({ rows }) => rows.forEach((row) => wake(row.id, Number(row.head_seq)))))
    })

    if (Option.isSome(listenConfig)) {
      const runFork = Runtime.runFork(yield* Effect.runtime<never>())
      yield* Effect.forkScoped(
        listenForever({ ...listenConfig.value, application_name: listenApplicationName }, wake, (connected) =>
          runFork(
            connected.pipe(
              Effect.zipRight(recheckWaiters),
              Effect.catchAllCause((cause) => Effect.logWarning("Could not re-check waiters", cause))
            )
          )
        )
      )
    }

    return { announce, waitPast, drain } as const
  })
}) {}

/**
 * Holds a LISTEN connection, reconnecting after a second whenever it drops. `onListening` runs
 * each time LISTEN is in place again, given an effect that logs it.
 */
const listenForever = (
  config: pg.ClientConfig,
  onNotify: (workspaceId: string, headSeq: number) => void,
  onListening: (connected: Effect.Effect<void>) => void
) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new pg.Client(config)),
    (client) =>
      Effect.async<void, Error>((resume) => {
        client.on("notification", (message) => {
          const [workspaceId, head] = (message.payload ?? "").split(":")
          if (workspaceId && head) onNotify(workspaceId, Number(head))
        })
        client.on("error", (error) => resume(Effect.fail(error)))
        client.on("end", () => resume(Effect.fail(new Error("LISTEN connection ended"))))
        client
          .connect()
          .then(() => client.query(`LISTEN ${notifyChannel}`))
          .then(() => onListening(Effect.logDebug(`LISTEN ${notifyChannel} in place`)))
          .catch((error: Error) => resume(Effect.fail(error)))
      }),
    (client) => Effect.promise(() => client.end().catch(() => undefined))
  ).pipe(
    Effect.tapError((error) => Effect.logWarning(`LISTEN ${notifyChannel} lost, reconnecting: ${error.message}`)),
    Effect.retry(Schedule.spaced("1 second")),
    Effect.interruptible
  )
