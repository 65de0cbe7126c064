/**
 * The sync engine's port to the server: the shared contract's typed client, with a bearer
 * token, and every failure turned into a `SyncError`. Calls take an AbortSignal so a
 * long-poll can be cut short when there is something to push.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect, Either } from "effect"
import { toSyncError, type SyncError } from "./SyncError.js"

export type Result<A> = Either.Either<A, SyncError>

const makeClient = (serverUrl: string, token?: string) =>
  HttpApiClient.make(QuireApi, {
    baseUrl: serverUrl,
    ...(token === undefined ? {} : { transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(token)) })
  }).pipe(Effect.provide(FetchHttpClient.layer))

type Client = Effect.Effect.Success<ReturnType<typeof makeClient>>

const run = <A, E>(effect: Effect.Effect<A, E>, signal?: AbortSignal): Promise<Result<A>> =>
  Effect.runPromise(Effect.either(Effect.mapError(effect, toSyncError)), signal ? { signal } : undefined).catch((error: unknown) =>
    Either.left(toSyncError(error))
  )

export const makeSyncApi = (serverUrl: string, token: string, workspaceId: string) => {
  // Built once: deriving the client from the contract is far slower than a request on loopback.
  const client: Effect.Effect<Client> = Effect.succeed(Effect.runSync(makeClient(serverUrl, token)))
  const path = { ws: workspaceId }
  const call = <A, E>(f: (client: Client) => Effect.Effect<A, E>, signal?: AbortSignal) =>
    run(Effect.flatMap(client, f), signal)
  return {
    push: (changes: ReadonlyArray<{ clientSeq: number; data: Uint8Array }>) =>
      call((c) => c.changes.push({ path, payload: { changes } })),
    pull: (after: number, limit: number) => call((c) => c.changes.pull({ path, urlParams: { after, limit } })),
    wait: (after: number, timeout: number, signal?: AbortSignal) =>
      call((c) => c.changes.wait({ path, urlParams: { after, timeout } }), signal),
    info: () => call((c) => c.workspaces.get({ path })),
    putSnapshot: (seq: number, data: Uint8Array) => call((c) => c.changes.putSnapshot({ path, payload: { seq, data } }))
  }
}

export type SyncApi = ReturnType<typeof makeSyncApi>

/** Calls that need no token: creating a workspace and pairing a device. */
export const makeAnonymousApi = (serverUrl: string) => {
  const client = makeClient(serverUrl)
  return {
    createWorkspace: (label: string) => run(Effect.flatMap(client, (c) => c.workspaces.create({ payload: { label } }))),
    pair: (workspaceId: string, code: string, label: string) =>
      run(Effect.flatMap(client, (c) => c.devices.pair({ payload: { workspaceId, code, label } }))),
    restore: (backup: Uint8Array) => run(Effect.flatMap(client, (c) => c.backup.restore({ payload: backup })))
  }
}
