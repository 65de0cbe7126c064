/** The shared contract drives a real client: what the web worker will use, against the real server. */
import { FetchHttpClient, HttpApiClient, HttpClient, HttpClientRequest } from "@effect/platform"
import { QuireApi } from "@quire/shared"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { serverPerSuite } from "./support/TestServer.js"

const [database] = testDatabases()

describe("the HttpApi contract from a client", () => {
  const server = serverPerSuite(database!)

  const withToken = (token: string) =>
    HttpApiClient.make(QuireApi, {
      baseUrl: server.url,
      transformClient: HttpClient.mapRequest(HttpClientRequest.bearerToken(token))
    })

  it("creates, pushes, pulls and reads typed errors through HttpApiClient", async () => {
    const program = Effect.gen(function* () {
      const anonymous = yield* HttpApiClient.make(QuireApi, { baseUrl: server.url })
      const health = yield* anonymous.health.health()
      const created = yield* anonymous.workspaces.create({ payload: { label: "client" } })
      const client = yield* withToken(created.masterToken)
      const pushed = yield* client.changes.push({
        path: { ws: created.workspaceId },
        payload: { changes: [{ clientSeq: 1, data: new Uint8Array([0, 1, 2, 255]) }] }
      })
      const pulled = yield* client.changes.pull({ path: { ws: created.workspaceId }, urlParams: { after: 0 } })
      const info = yield* client.workspaces.get({ path: { ws: created.workspaceId } })
      const stale = yield* client.changes
        .putSnapshot({ path: { ws: created.workspaceId }, payload: { seq: 5, data: new Uint8Array([9]) } })
        .pipe(Effect.flip)
      const backup = yield* client.backup.download({ path: { ws: created.workspaceId } })
      return { health, pushed, pulled, info, stale, backup }
    }).pipe(Effect.provide(FetchHttpClient.layer))

    const { health, pushed, pulled, info, stale, backup } = await Effect.runPromise(program)
    expect(health).toEqual({ ok: true, db: database!.name })
    expect(pushed).toEqual({ results: [{ clientSeq: 1, seq: 1 }], headSeq: 1 })
    expect(pulled.changes[0]!.data).toEqual(new Uint8Array([0, 1, 2, 255]))
    expect(pulled.hasMore).toBe(false)
    expect(info.createdAt).toBeInstanceOf(Date)
    expect(stale._tag).toBe("SnapshotConflict")
    expect(backup).toBeInstanceOf(Uint8Array)
    expect(backup.length).toBeGreaterThan(40)
  })
})
