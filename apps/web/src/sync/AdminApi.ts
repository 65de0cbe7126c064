/**
 * The master device's calls: devices, pairing codes, backups. The same typed client as the
 * sync engine; failures come back as `SyncError`s with a message for the person.
 */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect, Either } from "effect"
import type { WorkspaceCredentials } from "../data/Meta.js"
import type { Result } from "./SyncApi.js"
import { toSyncError } from "./SyncError.js"

export const makeAdminApi = (credentials: WorkspaceCredentials) => {
  const client = Effect.runSync(
    HttpApiClient.make(QuireApi, {
      baseUrl: credentials.serverUrl,
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(credentials.token))
    }).pipe(Effect.provide(FetchHttpClient.layer))
  )
  const path = { ws: credentials.workspaceId }
  const run = <A, E>(effect: Effect.Effect<A, E>): Promise<Result<A>> =>
    Effect.runPromise(Effect.either(Effect.mapError(effect, toSyncError))).catch((error: unknown) => Either.left(toSyncError(error)))
  return {
    devices: () => run(client.devices.list({ path })),
    revoke: (tokenId: string) => run(client.devices.revoke({ path: { ...path, tokenId } })),
    createPairing: (ttlSeconds?: number) => run(client.devices.createPairing({ path, payload: ttlSeconds === undefined ? {} : { ttlSeconds } })),
    downloadBackup: () => run(client.backup.download({ path }))
  }
}

export type AdminApi = ReturnType<typeof makeAdminApi>
