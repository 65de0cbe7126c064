/**
 * The sync engine's port to the server: the shared contract's typed client, with a bearer
 * token, and every failure turned into a `SyncError`. Calls take an AbortSignal so a
 * long-poll can be cut short when there is something to push.
 */
import { FetchHttpClient, HttpApiClient, HttpBody, HttpClient, HttpClientRequest } from "@effect/platform"
import { bufferSource, protocolHeader, protocolVersion, QuireApi } from "@quire/shared"
import { Effect, Either, Encoding, FiberRef } from "effect"
import { toSyncError, type SyncError } from "./SyncError.js"

export type Result<A> = Either.Either<A, SyncError>

/**
 * Binary bodies handed to fetch as a Blob: Chromium sends a 1 MiB body two to three times
 * faster as a Blob than as the same bytes in a Uint8Array (over loopback, about 60 against
 * 160 ms on a busy machine), the difference between an attachment uploading at its disk's pace
 * or the browser's.
 */
const bytesAsBlob = (request: HttpClientRequest.HttpClientRequest, held: Blob | undefined) => {
  if (request.body._tag !== "Uint8Array") return request
  const blob = held ?? new Blob([bufferSource(request.body.body)])
  return HttpClientRequest.setBody(request, HttpBody.raw(blob, { contentType: request.body.contentType, contentLength: blob.size }))
}

/**
 * A body already held as a Blob (a chunk sealed on this device, as IndexedDB gives it back), set
 * for one call: it is sent as it is, so its bytes never pass through this thread. The contract's
 * payload is bytes, so the call gives empty ones and this takes their place.
 */
const heldBody = FiberRef.unsafeMake<Blob | undefined>(undefined)

/** Every request names the protocol it speaks, so a server speaking another says "update the app". */
export const makeClient = (serverUrl: string, token?: string, bodies: "as given" | "bytes as Blob" = "as given") =>
  HttpApiClient.make(QuireApi, {
    baseUrl: serverUrl,
    transformClient: HttpClient.mapRequestEffect((request) =>
      Effect.map(FiberRef.get(heldBody), (held) => {
        const named = HttpClientRequest.setHeader(request, protocolHeader, String(protocolVersion))
        const sent = bodies === "bytes as Blob" ? bytesAsBlob(named, held) : named
        return token === undefined ? sent : HttpClientRequest.bearerToken(sent, token)
      })
    )
  }).pipe(Effect.provide(FetchHttpClient.layer))

type Client = Effect.Effect.Success<ReturnType<typeof makeClient>>

export const run = <A, E>(effect: Effect.Effect<A, E>, signal?: AbortSignal): Promise<Result<A>> =>
  Effect.runPromise(Effect.either(Effect.mapError(effect, toSyncError)), signal ? { signal } : undefined).catch((error: unknown) =>
    Either.left(toSyncError(error))
  )

const idBytes = (id: string) => Either.getOrThrow(Encoding.decodeBase64Url(id))

export const makeSyncApi = (serverUrl: string, token: string, workspaceId: string) => {
  // Built once: deriving the client from the contract is far slower than a request on loopback.
  const client: Effect.Effect<Client> = Effect.succeed(Effect.runSync(makeClient(serverUrl, token)))
  const blobClient: Effect.Effect<Client> = Effect.succeed(Effect.runSync(makeClient(serverUrl, token, "bytes as Blob")))
  const path = { ws: workspaceId }
  const call = <A, E>(f: (client: Client) => Effect.Effect<A, E>, signal?: AbortSignal) => run(Effect.flatMap(client, f), signal)
  return {
    push: (changes: ReadonlyArray<{ clientSeq: number; key: Uint8Array; data: Uint8Array }>) =>
      call((c) => c.changes.push({ path, payload: { changes } })),
    pull: (after: number, limit: number, maxBytes?: number) =>
      call((c) => c.changes.pull({ path, urlParams: { after, limit, ...(maxBytes === undefined ? {} : { maxBytes }) } })),
    /** With `limit`, a wake-up answers with the changes after `after` too (a page, as `pull` gives). */
    wait: (after: number, timeout: number, signal?: AbortSignal, page?: { readonly limit: number; readonly maxBytes?: number }) =>
      call((c) => c.changes.wait({ path, urlParams: { after, timeout, ...page } }), signal),
    info: () => call((c) => c.workspaces.get({ path })),
    compact: (payload: { key: Uint8Array; covers: number; clientSeq: number; data: Uint8Array }) =>
      call((c) => c.changes.compact({ path, payload })),
    // Blob ids are base64url text on the device (in manifests and tables) and bytes in the contract.
    putBlob: (id: string, data: Uint8Array | Blob) =>
      run(
        Effect.flatMap(blobClient, (c) => {
          const put = (payload: Uint8Array) => c.blobs.put({ path: { ws: workspaceId, id: idBytes(id) }, payload })
          return data instanceof Blob ? Effect.locally(put(new Uint8Array(0)), heldBody, data) : put(data)
        })
      ),
    getBlob: (id: string) => call((c) => c.blobs.get({ path: { ws: workspaceId, id: idBytes(id) } })),
    missingBlobs: (ids: ReadonlyArray<string>) =>
      call((c) => c.blobs.missing({ path, payload: { ids: ids.map(idBytes) } })).then(
        Either.map((answer) => answer.missing.map((id) => Encoding.encodeBase64Url(id)))
      ),
    deleteBlob: (id: string) => call((c) => c.blobs.delete({ path: { ws: workspaceId, id: idBytes(id) } }))
  }
}

export type SyncApi = ReturnType<typeof makeSyncApi>

/** Calls that need no token: creating a workspace and pairing a device (restoring streams: BackupTransfer). */
export const makeAnonymousApi = (serverUrl: string) => {
  const client = makeClient(serverUrl)
  return {
    createWorkspace: (label: string) => run(Effect.flatMap(client, (c) => c.workspaces.create({ payload: { label } }))),
    pair: (workspaceId: string, code: string, label: string) =>
      run(Effect.flatMap(client, (c) => c.devices.pair({ payload: { workspaceId, code, label } })))
  }
}
