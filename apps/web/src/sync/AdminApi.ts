/**
 * The master device's calls: devices, pairing codes, recovery. The same typed client as the
 * sync engine; failures come back as `SyncError`s with a message for the person.
 */
import { Effect } from "effect"
import type { WorkspaceCredentials } from "../data/Meta.js"
import { makeClient, run } from "./SyncApi.js"

export const makeAdminApi = (credentials: WorkspaceCredentials) => {
  const client = Effect.runSync(makeClient(credentials.serverUrl, credentials.token))
  const path = { ws: credentials.workspaceId }
  return {
    info: () => run(client.workspaces.get({ path })),
    devices: () => run(client.devices.list({ path })),
    revoke: (tokenId: string) => run(client.devices.revoke({ path: { ...path, tokenId } })),
    createPairing: (ttlSeconds?: number) =>
      run(client.devices.createPairing({ path, payload: ttlSeconds === undefined ? {} : { ttlSeconds } }))
  }
}

export type AdminApi = ReturnType<typeof makeAdminApi>
