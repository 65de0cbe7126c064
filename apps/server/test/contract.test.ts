/** The shared contract drives a real client: what the web worker will use, against the real server. */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { protocolHeader, protocolVersion, QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { serverPerSuite } from "./support/TestServer.js"

const [database] = testDatabases()
const key = new Uint8Array(16).fill(0x4b)

describe("the HttpApi contract from a client", () => {
  const server = serverPerSuite(database!)

  const withToken = (token: string) =>
    HttpApiClient.make(QuireApi, {
      baseUrl: server.url,
      transformClient: HttpClient.mapRequest((request) =>
        request.pipe(HttpClientRequest.bearerToken(token), HttpClientRequest.setHeader(protocolHeader, String(protocolVersion)))
      )
    })

  it("creates, pushes, compacts, pulls, stores blobs and reads typed errors through HttpApiClient", async () => {
    const program = Effect.gen(function* () {
      const anonymous = yield* HttpApiClient.make(QuireApi, { baseUrl: server.url })
      const health = yield* anonymous.health.health()
      const created = yield* anonymous.workspaces.create({ payload: { label: "client" } })
      const client = yield* withToken(created.masterToken)
      const path = { ws: created.workspaceId }
      const pushed = yield* client.changes.push({
        path,
        payload: { changes: [{ clientSeq: 1, key, data: new Uint8Array([0, 1, 2, 255]) }] }
      })
      const reused = yield* client.changes
        .push({ path, payload: { changes: [{ clientSeq: 1, key, data: new Uint8Array([1]) }] } })
        .pipe(Effect.flip)
      const compacted = yield* client.changes.compact({ path, payload: { key, covers: 1, clientSeq: 2, data: new Uint8Array([7]) } })
      const pulled = yield* client.changes.pull({ path, urlParams: { after: 0, maxBytes: 1024 } })
      const info = yield* client.workspaces.get({ path })
      const stale = yield* client.changes
        .compact({ path, payload: { key, covers: 5, clientSeq: 3, data: new Uint8Array([9]) } })
        .pipe(Effect.flip)
      const stored = yield* client.blobs.put({ path: { ...path, id: key }, payload: new Uint8Array([5, 6]) })
      const blob = yield* client.blobs.get({ path: { ...path, id: key } })
      const missing = yield* client.blobs.missing({ path, payload: { ids: [key, new Uint8Array(20)] } })
      const backup = yield* client.backup.download({ path })
      return { health, pushed, compacted, pulled, info, stale, reused, stored, blob, missing, backup }
    }).pipe(Effect.provide(FetchHttpClient.layer))

    const { health, pushed, compacted, pulled, info, stale, reused, stored, blob, missing, backup } = await Effect.runPromise(program)
    expect(health).toEqual({ ok: true, db: database!.name })
    expect(pushed).toEqual({ results: [{ clientSeq: 1, seq: 1 }], headSeq: 1 })
    expect(compacted).toEqual({ seq: 2, removed: 1, headSeq: 2 })
    expect(pulled.changes).toEqual([{ seq: 2, deviceId: expect.any(String), key, kind: "snapshot", data: new Uint8Array([7]) }])
    expect(pulled.hasMore).toBe(false)
    expect(info).toMatchObject({ headSeq: 2, changeCount: 1, bytesUsed: 1 })
    expect(info.createdAt).toBeInstanceOf(Date)
    expect(stale._tag).toBe("CompactionConflict")
    expect(reused).toMatchObject({ _tag: "ClientSeqReused", clientSeq: 1 })
    expect(stored).toEqual({ stored: "new" })
    expect(blob).toEqual(new Uint8Array([5, 6]))
    expect(missing.missing).toEqual([new Uint8Array(20)])
    expect(backup).toBeInstanceOf(Uint8Array)
    expect(backup.length).toBeGreaterThan(40)
  })
})
