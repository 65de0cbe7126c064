/**
 * Wakes long-polls of `changes/wait` when a workspace's head moves. Pushes in this process
 * publish directly; pushes in other processes on the same Postgres arrive via LISTEN/NOTIFY
 * (the push transaction issues `pg_notify`, delivered at commit).
 */
import { Deferred, Duration, Effect, Option, Schedule } from "effect"
import pg from "pg"
import { Database } from "../store/Database.js"

export const notifyChannel = "quire_changes"

interface Waiter {
  readonly after: number
  readonly wake: Deferred.Deferred<void>
}

export class Notifier extends Effect.Service<Notifier>()("@quire/server/Notifier", {
  scoped: Effect.gen(function* () {
    const { listenConfig } = yield* Database
    const waiters = new Map<string, Set<Waiter>>()
    let draining = false

    const publish = (workspaceId: string, headSeq: number) =>
      Effect.sync(() => {
        for (const waiter of waiters.get(workspaceId) ?? []) {
          if (headSeq > waiter.after) Deferred.unsafeDone(waiter.wake, Effect.void)
        }
      })

    /**
     * Waits until the head of `workspaceId` may have moved past `after`, or `timeout` passes.
     * `readHead` is read once after registering (so no publish can slip between) and once
     * after waking; its answer is what the caller gets.
     */
    const waitPast = (workspaceId: string, after: number, timeout: Duration.DurationInput, readHead: Effect.Effect<number>) =>
      Effect.gen(function* () {
        const waiter: Waiter = { after, wake: yield* Deferred.make<void>() }
        const set = waiters.get(workspaceId) ?? new Set()
        waiters.set(workspaceId, set)
        set.add(waiter)
        const unregister = Effect.sync(() => {
          set.delete(waiter)
          if (set.size === 0 && waiters.get(workspaceId) === set) waiters.delete(workspaceId)
        })
        return yield* Effect.gen(function* () {
          const head = yield* readHead
          if (head > after || draining) return head
          yield* Deferred.await(waiter.wake).pipe(Effect.timeoutTo({ duration: timeout, onTimeout: () => undefined, onSuccess: () => undefined }))
          return yield* readHead
        }).pipe(Effect.ensuring(unregister))
      })

    /** Answers every open long-poll now, and every new one at once: the server is stopping. */
    const drain = Effect.sync(() => {
      draining = true
      for (const set of waiters.values()) for (const waiter of set) Deferred.unsafeDone(waiter.wake, Effect.void)
    })

    if (Option.isSome(listenConfig)) {
      yield* Effect.forkScoped(listenForever(listenConfig.value, (workspaceId, headSeq) => Effect.runSync(publish(workspaceId, headSeq))))
    }

    return { publish, waitPast, drain } as const
  })
}) {}

/** Holds a LISTEN connection, reconnecting after a second whenever it drops. */
const listenForever = (config: pg.ClientConfig, onNotify: (workspaceId: string, headSeq: number) => void) =>
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
          .catch((error: Error) => resume(Effect.fail(error)))
      }),
    (client) => Effect.promise(() => client.end().catch(() => undefined))
  ).pipe(
    Effect.tapError((error) => Effect.logWarning(`LISTEN ${notifyChannel} lost, reconnecting: ${error.message}`)),
    Effect.retry(Schedule.spaced("1 second")),
    Effect.interruptible
  )
