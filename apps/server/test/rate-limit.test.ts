/** The rate limit on the endpoints anyone may call lives in the database, per address bucket. */
import { createServer } from "node:net"
import { describe, expect, it } from "vitest"
import { testDatabases } from "./support/databases.js"
import { request } from "./support/Http.js"
import { startServer } from "./support/TestServer.js"

const ipv6Loopback = await new Promise<boolean>((resolve) => {
  const probe = createServer()
  probe.once("error", () => resolve(false))
  probe.listen(0, "::1", () => probe.close(() => resolve(true)))
})

const create = (url: string) => request(url, "POST", "/workspaces", { json: {} })

describe.each(testDatabases())("the rate limit on $name", (database) => {
  it("is kept in the database: a restarted server still refuses an address that used its budget", async () => {
    const store = await database.provision()
    try {
      const first = await startServer({ ...store.env, RATE_LIMIT_PER_MINUTE: "2" })
      expect([(await create(first.url)).status, (await create(first.url)).status, (await create(first.url)).status]).toEqual([
        201, 201, 429
      ])
      await first.stop()
      const second = await startServer({ ...store.env, RATE_LIMIT_PER_MINUTE: "2" })
      try {
        const refused = await create(second.url)
        expect(refused.status).toBe(429)
        expect(refused.body.retryAfterSeconds).toBeGreaterThanOrEqual(1)
        expect(refused.body.retryAfterSeconds).toBeLessThanOrEqual(30)
      } finally {
        await second.stop()
      }
    } finally {
      await store.cleanup()
    }
  })

  it.skipIf(!ipv6Loopback)("limits an IPv6 client by its /64", async () => {
    const store = await database.provision()
    const server = await startServer({ ...store.env, RATE_LIMIT_PER_MINUTE: "2" }, { host: "::1" })
    try {
      expect([(await create(server.url)).status, (await create(server.url)).status, (await create(server.url)).status]).toEqual([
        201, 201, 429
      ])
      const buckets = await server.sql<{ bucket: string }>("SELECT bucket FROM rate_limits")
      expect(buckets.map((row) => row.bucket)).toEqual(["0:0:0:0::/64"])
    } finally {
      await server.stop()
      await store.cleanup()
    }
  })
})
