/**
 * Runs the real server for a test: in-process on a random loopback port (`startServer`), or
 * as a child process of the built `dist/main.js` (`spawnServer`, from src/testing) when a
 * test needs to kill, restart or multiply it.
 */
import { afterAll, beforeAll } from "vitest"
import type { AppConfigShape } from "../../src/config/AppConfig.js"
import { startInProcess, type InProcessServer, type RunningServer } from "../../src/testing/InProcessServer.js"
export { freePort, runServerExpectingFailure, spawnServer, type SpawnedServer } from "../../src/testing/SpawnedServer.js"
import type { ProvisionedStore, TestDatabase } from "./databases.js"

export type { InProcessServer, RunningServer }

/** Settings tests start from: no rate limiting to speak of, quiet logs. */
export const testEnv = { RATE_LIMIT_PER_MINUTE: "100000", LOG_LEVEL: "warn" }

export const startServer = (env: Record<string, string>, overrides: Partial<AppConfigShape> = {}): Promise<InProcessServer> =>
  startInProcess({ ...testEnv, ...env }, overrides)

/**
 * Provisions a fresh store and starts a server on it before the suite, and tears both down
 * after. Read `.url` inside tests.
 */
export const serverPerSuite = (database: TestDatabase, env: Record<string, string> = {}) => {
  let store: ProvisionedStore | undefined
  let server: InProcessServer | undefined
  beforeAll(async () => {
    store = await database.provision()
    server = await startServer({ ...store.env, ...env })
  })
  afterAll(async () => {
    await server?.stop()
    await store?.cleanup()
  })
  const running = () => {
    if (!server) throw new Error("the suite's server is not started")
    return server
  }
  return {
    get url(): string {
      return running().url
    },
    /** SQL through the server's own pool (see `InProcessServer.sql`). */
    sql: <Row = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) => running().sql<Row>(text, params)
  }
}
