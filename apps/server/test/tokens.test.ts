import jwt from "jsonwebtoken"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { createWorkspace, pairDevice, push, request } from "./support/Http.js"
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
      ["GET", `${path}/backup`],
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
      ["POST", `${path}/changes`, { changes: [{ clientSeq: 1, data: "aGk=" }] }],
      ["GET", `${path}/changes?after=0`],
      ["GET", `${path}/changes/wait?after=0&timeout=1`],
      ["PUT", `${path}/snapshot`, { seq: 0, data: "aGk=" }],
      ["POST", `${path}/pairings`, {}],
      ["GET", `${path}/devices`],
      ["GET", `${path}/backup`],
      ["DELETE", path]
    ]
    for (const [method, target, json] of attempts) {
      const reply = await request(server.url, method, target, { token: a.masterToken, ...(json === undefined ? {} : { json }) })
      expect(reply.status, `${method} ${target}`).toBe(403)
      expect(reply.body._tag, `${method} ${target}`).toBe("Forbidden")
    }
    const info = await request(server.url, "GET", path, { token: b.masterToken })
    expect(info.body).toMatchObject({ headSeq: 0, snapshotSeq: 0, bytesUsed: 0 })
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
})
