import { protocolHeader, protocolVersion } from "@quire/shared"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { createWorkspace, request } from "./support/Http.js"
import { serverPerSuite } from "./support/TestServer.js"

const [database] = testDatabases()

describe("the protocol version", () => {
  const server = serverPerSuite(database!)

  it("answers a client of another protocol version with 400 ProtocolMismatch naming both versions", async () => {
    const ws = await createWorkspace(server.url)
    const old = await request(server.url, "GET", `/workspaces/${ws.workspaceId}`, {
      token: ws.masterToken,
      headers: { [protocolHeader]: "1" }
    })
    expect(old.status).toBe(400)
    expect(old.body).toEqual({
      _tag: "ProtocolMismatch",
      message: `This app speaks protocol 1; the server speaks ${protocolVersion}. Update the app.`,
      serverVersion: protocolVersion
    })
    const newer = await request(server.url, "GET", "/health", { headers: { [protocolHeader]: String(protocolVersion + 1) } })
    expect(newer.status).toBe(400)
    expect(newer.body.message).toMatch(/server is older/)
  })

  it("refuses a mismatched client before anything is stored", async () => {
    const created = await request(server.url, "POST", "/workspaces", { json: {}, headers: { [protocolHeader]: "1" } })
    expect(created.status).toBe(400)
    expect(created.body._tag).toBe("ProtocolMismatch")
  })

  it("serves a client of this version, and one that names no version (curl, the docs page)", async () => {
    const matching = await request(server.url, "GET", "/health", { headers: { [protocolHeader]: String(protocolVersion) } })
    expect(matching.status).toBe(200)
    expect((await request(server.url, "GET", "/health")).status).toBe(200)
  })
})
