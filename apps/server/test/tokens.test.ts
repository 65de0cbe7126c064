import jwt from "jsonwebtoken"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { compact, createWorkspace, info, keyOf, octets, pairDevice, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const secret = "the-suite-secret-that-is-long-enough-0123456789"
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

describe.each(testDatabases())("bearer tokens on $name", (database) => {
  const server = serverPerSuite(database, { JWT_SECRET: secret })

  const expectRefused = async (token: string | undefined, tag: string, workspaceId: string) => {
    const reply = await request(server.url, "GET", `/workspaces/${workspaceId}`, token === undefined ? {} : { token })
    expect(reply.status).toBe(401)
    expect(reply.body._tag).toBe(tag)
    expect(reply.body.message.length).toBeGreaterThan(10)
  }

  it("refuses a request without a token, or with one that is not a JWT", async () => {
    const ws = await createWorkspace(server.url)
    await expectRefused(undefined, "Unauthorized", ws.workspaceId)
    await expectRefused("not-a-jwt", "Unauthorized", ws.workspaceId)
    const basic = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { headers: { authorization: "Basic dXNlcjpwYXNz" } })
    expect(basic.status).toBe(401)
  })

  it("refuses alg=none and tokens signed with another key or algorithm", async () => {
    const ws = await createWorkspace(server.url)
    const claims = jwt.decode(ws.masterToken) as Record<string, unknown>
    const unsigned = `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`
    await expectRefused(unsigned, "Unauthorized", ws.workspaceId)
    await expectRefused(jwt.sign(claims, "some-other-secret-of-enough-length-000000"), "Unauthorized", ws.workspaceId)
    await expectRefused(jwt.sign(claims, secret, { algorithm: "HS512" }), "Unauthorized", ws.workspaceId)
    // The real token still works: the refusals changed nothing.
    expect((await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).status).toBe(200)
  })

  it("refuses a well-signed token whose row does not exist, or whose claims differ from its row", async () => {
    const ws = await createWorkspace(server.url)
    const claims = jwt.decode(ws.masterToken) as Record<string, unknown>
    await expectRefused(jwt.sign({ ...claims, sub: crypto.randomUUID() }, secret), "TokenRevoked", ws.workspaceId)
    await expectRefused(jwt.sign({ ...claims, dev: crypto.randomUUID() }, secret), "TokenRevoked", ws.workspaceId)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const promoted = jwt.sign({ ...(jwt.decode(device.deviceToken) as object), role: "master" }, secret)
    await expectRefused(promoted, "TokenRevoked", ws.workspaceId)
  })

  it("refuses an expired token with TokenExpired", async () => {
    const ws = await createWorkspace(server.url)
    const claims = jwt.decode(ws.masterToken) as Record<string, unknown>
    const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, secret)
    await expectRefused(expired, "TokenExpired", ws.workspaceId)
  })

  it("keeps a device out of master-only endpoints with 403", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const path = `/workspaces/${ws.workspaceId}`
    const tokenId = (jwt.decode(ws.masterToken) as { sub: string }).sub
    const attempts: Array<[string, string, unknown?]> = [
      ["POST", `${path}/pairings`, {}],
      ["GET", `${path}/devices`],
      ["DELETE", `${path}/devices/${tokenId}`],
      ["POST", `${path}/master/rotate`],
      ["POST", `${path}/master/recover`, { label: "thief" }],
      ["GET", `${path}/backup`],
      ["DELETE", `${path}/blobs/${keyOf("blob")}`],
      ["DELETE", path]
    ]
    for (const [method, target, json] of attempts) {
      const reply = await request(server.url, method, target, { token: device.deviceToken, ...(json === undefined ? {} : { json }) })
      expect(reply.status, `${method} ${target}`).toBe(403)
      expect(reply.body._tag, `${method} ${target}`).toBe("Forbidden")
    }
    // The device can still do what devices do, and the workspace is intact.
    expect((await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "ok" }])).status).toBe(200)
    expect((await request(server.url, "GET", path, { token: ws.masterToken })).body.headSeq).toBe(1)
  })

  it("isolates workspaces: a token of A can neither read nor write B", async () => {
    const a = await createWorkspace(server.url)
    const b = await createWorkspace(server.url)
    const path = `/workspaces/${b.workspaceId}`
    const attempts: Array<[string, string, unknown?]> = [
      ["GET", path],
      ["POST", `${path}/changes`, { changes: [{ clientSeq: 1, key: keyOf("a"), data: "aGk=" }] }],
      ["GET", `${path}/changes?after=0`],
      ["GET", `${path}/changes/wait?after=0&timeout=1`],
      ["POST", `${path}/compactions`, { key: keyOf("a"), covers: 0, clientSeq: 1, data: "aGk=" }],
      ["POST", `${path}/blobs/missing`, { ids: [keyOf("a")] }],
      ["POST", `${path}/pairings`, {}],
      ["POST", `${path}/master/rotate`],
      ["POST", `${path}/master/recover`, { label: "thief" }],
      ["GET", `${path}/devices`],
      ["GET", `${path}/backup`],
      ["DELETE", path]
    ]
    for (const [method, target, json] of attempts) {
      const reply = await request(server.url, method, target, { token: a.masterToken, ...(json === undefined ? {} : { json }) })
      expect(reply.status, `${method} ${target}`).toBe(403)
      expect(reply.body._tag, `${method} ${target}`).toBe("Forbidden")
    }
    expect(await info(server.url, b.workspaceId, b.masterToken)).toMatchObject({ headSeq: 0, changeCount: 0, bytesUsed: 0 })
    const blob = await request(server.url, "PUT", `${path}/blobs/${keyOf("blob")}`, {
      token: a.masterToken,
      ...octets(new Uint8Array([1]))
    })
    expect(blob.status).toBe(403)
  })

  it("rotating the master revokes the old master token and the new one works", async () => {
    const ws = await createWorkspace(server.url)
    const rotated = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/rotate`, { token: ws.masterToken })
    expect(rotated.status).toBe(200)
    expect(rotated.body.masterToken).not.toBe(ws.masterToken)
    await expectRefused(ws.masterToken, "TokenRevoked", ws.workspaceId)
    const devices = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: rotated.body.masterToken })
    expect(devices.status).toBe(200)
    const masters = devices.body.devices.filter((d: { role: string }) => d.role === "master")
    expect(masters).toHaveLength(2)
    expect(masters.filter((d: { revokedAt: string | null }) => d.revokedAt === null)).toHaveLength(1)
    expect(new Set(masters.map((d: { deviceId: string }) => d.deviceId))).toEqual(new Set([ws.deviceId]))
  })

  it("recovering with the master token makes a new device id the master and revokes every older master token", async () => {
    const ws = await createWorkspace(server.url, "lost laptop")
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "before the loss" }])
    const recovered = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/recover`, {
      token: ws.masterToken,
      json: { label: "recovery kit" }
    })
    expect(recovered.status).toBe(200)
    expect(recovered.body.deviceId).not.toBe(ws.deviceId)
    expect(jwt.decode(recovered.body.masterToken) as { dev: string; role: string }).toMatchObject({
      dev: recovered.body.deviceId,
      role: "master"
    })
    await expectRefused(ws.masterToken, "TokenRevoked", ws.workspaceId)

    // The new master goes on with its own clientSeqs from 1: no collision with the old device's.
    const next = await push(server.url, ws.workspaceId, recovered.body.masterToken, [{ clientSeq: 1, text: "after recovery" }])
    expect(next.body.results).toEqual([{ clientSeq: 1, seq: 2 }])
    const devices = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: recovered.body.masterToken })
    expect(
      devices.body.devices.map((d: { deviceId: string; role: string; label: string; revokedAt: string | null }) => [
        d.deviceId,
        d.role,
        d.label,
        d.revokedAt !== null
      ])
    ).toEqual([
      [ws.deviceId, "master", "lost laptop", true],
      [recovered.body.deviceId, "master", "recovery kit", false]
    ])
  })

  it("of concurrent rotations with one token exactly one wins; the others get 401", async () => {
    const ws = await createWorkspace(server.url)
    const attempts = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        i % 2 === 0
          ? request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/rotate`, { token: ws.masterToken })
          : request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/recover`, { token: ws.masterToken, json: { label: "kit" } })
      )
    )
    const winners = attempts.filter((reply) => reply.status === 200)
    expect(winners).toHaveLength(1)
    for (const loser of attempts.filter((reply) => reply.status !== 200)) {
      expect(loser.status).toBe(401)
      expect(loser.body._tag).toBe("TokenRevoked")
    }
    const devices = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: winners[0]!.body.masterToken })
    expect(devices.body.devices.filter((d: { revokedAt: string | null }) => d.revokedAt === null)).toHaveLength(1)
  })

  it("a push with a revoked, unknown, altered or expired token stores nothing and says why, retries included", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    expect((await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "kept" }])).status).toBe(200)
    const claims = jwt.decode(device.deviceToken) as Record<string, unknown>
    const refusedPush = async (token: string, tag: string, clientSeq: number, text: string) => {
      const reply = await push(server.url, ws.workspaceId, token, [{ clientSeq, text }])
      expect(reply.status, tag).toBe(401)
      expect(reply.body._tag).toBe(tag)
    }
    await refusedPush(jwt.sign({ ...claims, sub: crypto.randomUUID() }, secret), "TokenRevoked", 2, "unknown token")
    await refusedPush(jwt.sign({ ...claims, role: "master" }, secret), "TokenRevoked", 2, "promoted")
    await refusedPush(jwt.sign({ ...claims, dev: crypto.randomUUID() }, secret), "TokenRevoked", 1, "other device")
    // Expired by its row (the token itself carries no exp).
    await server.sql("UPDATE tokens SET expires_at = now() - interval '1 second' WHERE workspace_id = $1 AND id = $2", [
      ws.workspaceId,
      claims.sub
    ])
    await refusedPush(device.deviceToken, "TokenExpired", 2, "expired")
    await server.sql("UPDATE tokens SET expires_at = NULL WHERE workspace_id = $1 AND id = $2", [ws.workspaceId, claims.sub])
    expect(
      (await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${claims.sub as string}`, { token: ws.masterToken }))
        .status
    ).toBe(204)
    await refusedPush(device.deviceToken, "TokenRevoked", 2, "revoked")
    // Even a retry of what it stored before is refused, not answered with its seq.
    await refusedPush(device.deviceToken, "TokenRevoked", 1, "kept")
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toMatchObject({ headSeq: 1, changeCount: 1 })
  })

  it("a device's compactions and pushes stop with its token; its workspace keeps what it stored", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "kept" }])
    const tokenId = (jwt.decode(device.deviceToken) as { sub: string }).sub
    expect(
      (await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${tokenId}`, { token: ws.masterToken })).status
    ).toBe(204)
    const refused = await compact(server.url, ws.workspaceId, device.deviceToken, { doc: "doc", covers: 1, clientSeq: 2, text: "s" })
    expect(refused.status).toBe(401)
    expect(await info(server.url, ws.workspaceId, ws.masterToken)).toMatchObject({ headSeq: 1, changeCount: 1 })
  })
})
