import { createHash } from "node:crypto"
import jwt from "jsonwebtoken"
import { Limits } from "@quire/shared"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { createWorkspace, keyOf, octets, pairDevice, push, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(testDatabases())("pairing and devices on $name", (database) => {
  const server = serverPerSuite(database)

  const createPairing = (workspaceId: string, token: string, json: object = {}) =>
    request(server.url, "POST", `/workspaces/${workspaceId}/pairings`, { token, json })
  const pair = (workspaceId: string, code: string, label = "phone") =>
    request(server.url, "POST", "/pair", { json: { workspaceId, code, label } })

  it("a pairing code pairs exactly one device, and expires in ten minutes by default", async () => {
    const ws = await createWorkspace(server.url)
    const pairing = await createPairing(ws.workspaceId, ws.masterToken)
    expect(pairing.status).toBe(201)
    expect(pairing.body.code).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const ttl = new Date(pairing.body.expiresAt).getTime() - Date.now()
    expect(ttl).toBeGreaterThan(9 * 60_000)
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000)

    const paired = await pair(ws.workspaceId, pairing.body.code)
    expect(paired.status).toBe(201)
    expect(paired.body.deviceId).not.toBe(ws.deviceId)
    expect((await push(server.url, ws.workspaceId, paired.body.deviceToken, [{ clientSeq: 1, text: "hi" }])).status).toBe(200)

    const again = await pair(ws.workspaceId, pairing.body.code, "thief")
    expect(again.status).toBe(409)
    expect(again.body._tag).toBe("PairingCodeUsed")
    const devices = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: ws.masterToken })
    expect(devices.body.devices.map((d: { label: string }) => d.label).sort()).toEqual(["phone", "test device"])
  })

  it("honours ttlSeconds and refuses an expired code", async () => {
    const ws = await createWorkspace(server.url)
    const pairing = await createPairing(ws.workspaceId, ws.masterToken, { ttlSeconds: 1 })
    expect(new Date(pairing.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(1_500)
    await sleep(1_300)
    const late = await pair(ws.workspaceId, pairing.body.code)
    expect(late.status).toBe(401)
    expect(late.body._tag).toBe("PairingCodeInvalid")
    expect(late.body.message).toMatch(/expired/)
  })

  it("caps a pairing code's life at 24 hours: a second more is a 400, exactly 24 hours is honoured", async () => {
    const ws = await createWorkspace(server.url)
    const tooLong = await createPairing(ws.workspaceId, ws.masterToken, { ttlSeconds: Limits.maxPairingTtlSeconds + 1 })
    expect(tooLong.status).toBe(400)
    const day = await createPairing(ws.workspaceId, ws.masterToken, { ttlSeconds: Limits.maxPairingTtlSeconds })
    expect(day.status).toBe(201)
    const life = new Date(day.body.expiresAt).getTime() - Date.now()
    expect(life).toBeGreaterThan(24 * 3600_000 - 60_000)
    expect(life).toBeLessThanOrEqual(24 * 3600_000 + 5_000)
    // Only the accepted code was stored.
    const stored = await server.sql<{ n: string }>("SELECT count(*) AS n FROM pairings WHERE workspace_id = $1", [ws.workspaceId])
    expect(Number(stored[0]!.n)).toBe(1)
  })

  it("refuses a wrong code, a code of another workspace, an unknown workspace and a bad ttl", async () => {
    const ws = await createWorkspace(server.url)
    const other = await createWorkspace(server.url)
    const pairing = await createPairing(ws.workspaceId, ws.masterToken)
    const wrong = await pair(ws.workspaceId, "AAAAAAAAAAAAAAAAAAAAAA")
    expect(wrong.status).toBe(401)
    expect(wrong.body._tag).toBe("PairingCodeInvalid")
    const crossed = await pair(other.workspaceId, pairing.body.code)
    expect(crossed.status).toBe(401)
    expect(crossed.body._tag).toBe("PairingCodeInvalid")
    const unknown = await pair(crypto.randomUUID(), pairing.body.code)
    expect(unknown.status).toBe(404)
    expect(unknown.body._tag).toBe("WorkspaceNotFound")
    for (const ttlSeconds of [0, -5, 1.5, 365 * 24 * 3600]) {
      const bad = await createPairing(ws.workspaceId, ws.masterToken, { ttlSeconds })
      expect(bad.status, `ttl ${ttlSeconds}`).toBe(400)
    }
    // None of that used the code up.
    expect((await pair(ws.workspaceId, pairing.body.code)).status).toBe(201)
  })

  it("lists devices with label, created and last seen, and revokes one", async () => {
    const ws = await createWorkspace(server.url, "laptop")
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken, "phone")
    await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 1, text: "seen" }])
    const listed = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: ws.masterToken })
    expect(listed.status).toBe(200)
    const byLabel = Object.fromEntries(listed.body.devices.map((d: { label: string }) => [d.label, d]))
    expect(byLabel.laptop).toMatchObject({ role: "master", deviceId: ws.deviceId, revokedAt: null })
    expect(byLabel.phone).toMatchObject({ role: "device", deviceId: device.deviceId, revokedAt: null })
    expect(byLabel.phone.lastSeenAt).not.toBeNull()
    expect(new Date(byLabel.phone.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000)

    const revoked = await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${byLabel.phone.tokenId}`, {
      token: ws.masterToken
    })
    expect(revoked.status).toBe(204)
    const refused = await push(server.url, ws.workspaceId, device.deviceToken, [{ clientSeq: 2, text: "after revoke" }])
    expect(refused.status).toBe(401)
    expect(refused.body._tag).toBe("TokenRevoked")
    const after = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: ws.masterToken })
    expect(after.body.devices.find((d: { label: string }) => d.label === "phone").revokedAt).not.toBeNull()
    expect((await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).body.headSeq).toBe(1)
  })

  it("refuses to revoke an unknown token or the master token", async () => {
    const ws = await createWorkspace(server.url)
    const unknown = await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${crypto.randomUUID()}`, {
      token: ws.masterToken
    })
    expect(unknown.status).toBe(404)
    expect(unknown.body._tag).toBe("DeviceNotFound")
    const listed = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/devices`, { token: ws.masterToken })
    const master = listed.body.devices[0].tokenId
    const self = await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${master}`, { token: ws.masterToken })
    expect(self.status).toBe(409)
    expect(self.body._tag).toBe("MasterNotRevocable")
    expect((await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })).status).toBe(200)
  })

  it("deleting a workspace removes everything: its tokens stop working and its id is gone", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    await push(server.url, ws.workspaceId, ws.masterToken, [{ clientSeq: 1, text: "doomed" }])
    await request(server.url, "PUT", `/workspaces/${ws.workspaceId}/blobs/${keyOf("doomed")}`, {
      token: ws.masterToken,
      ...octets(new Uint8Array([1]))
    })
    await createPairing(ws.workspaceId, ws.masterToken)
    const deleted = await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}`, { token: ws.masterToken })
    expect(deleted.status).toBe(204)
    for (const token of [ws.masterToken, device.deviceToken]) {
      const reply = await request(server.url, "GET", `/workspaces/${ws.workspaceId}/changes`, { token })
      expect(reply.status).toBe(401)
      expect(reply.body._tag).toBe("TokenRevoked")
    }
    const pairAfter = await request(server.url, "POST", "/pair", { json: { workspaceId: ws.workspaceId, code: "x", label: "x" } })
    expect(pairAfter.status).toBe(404)
    for (const table of ["tokens", "pairings", "changes", "blobs"]) {
      const [left] = await server.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = $1`, [ws.workspaceId])
      expect(Number(left!.n), table).toBe(0)
    }
  })

  it("pairing codes die with the token that made them: rotating or recovering the master ends them", async () => {
    for (const replace of ["rotate", "recover"]) {
      const ws = await createWorkspace(server.url)
      const pairing = await createPairing(ws.workspaceId, ws.masterToken)
      const replaced = await request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/${replace}`, {
        token: ws.masterToken,
        ...(replace === "recover" ? { json: { label: "kit" } } : {})
      })
      expect(replaced.status).toBe(200)
      const late = await pair(ws.workspaceId, pairing.body.code)
      expect(late.status, replace).toBe(401)
      expect(late.body._tag, replace).toBe("PairingCodeInvalid")
      // The new master's codes work.
      const fresh = await createPairing(ws.workspaceId, replaced.body.masterToken)
      expect((await pair(ws.workspaceId, fresh.body.code)).status).toBe(201)
    }
  })

  it("revoking a device ends the pairing codes its token made", async () => {
    const ws = await createWorkspace(server.url)
    const device = await pairDevice(server.url, ws.workspaceId, ws.masterToken)
    const deviceTokenId = (jwt.decode(device.deviceToken) as { sub: string }).sub
    // Devices cannot make codes through the API; the rule holds for any token all the same.
    await server.sql(
      "INSERT INTO pairings (workspace_id, code_hash, created_by_token, expires_at) VALUES ($1, 'made-by-the-device', $2, now() + interval '10 minutes')",
      [ws.workspaceId, deviceTokenId]
    )
    expect(
      (await request(server.url, "DELETE", `/workspaces/${ws.workspaceId}/devices/${deviceTokenId}`, { token: ws.masterToken })).status
    ).toBe(204)
    const left = await server.sql("SELECT 1 FROM pairings WHERE workspace_id = $1 AND created_by_token = $2", [
      ws.workspaceId,
      deviceTokenId
    ])
    expect(left).toEqual([])
  })

  it("a code made while its token was being revoked is refused when redeemed", async () => {
    const ws = await createWorkspace(server.url)
    const oldTokenId = (jwt.decode(ws.masterToken) as { sub: string }).sub
    await request(server.url, "POST", `/workspaces/${ws.workspaceId}/master/rotate`, { token: ws.masterToken })
    // As if the old token's request to make a code committed just after the rotation.
    const code = "a-code-made-in-the-race-window"
    await server.sql(
      "INSERT INTO pairings (workspace_id, code_hash, created_by_token, expires_at) VALUES ($1, $2, $3, now() + interval '10 minutes')",
      [ws.workspaceId, createHash("sha256").update(code, "utf8").digest("hex"), oldTokenId]
    )
    const refused = await pair(ws.workspaceId, code)
    expect(refused.status).toBe(401)
    expect(refused.body).toMatchObject({ _tag: "PairingCodeInvalid", message: expect.stringMatching(/removed/) })
  })
})
