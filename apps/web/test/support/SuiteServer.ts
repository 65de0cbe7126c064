/**
 * The real server for one suite, in-process on the embedded database, plus the devices the
 * suite's tests open (closed after each test). Use `.url` and `track(device)` inside tests.
 */
import { startInProcess, type RunningServer } from "@quire/server/testing"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll } from "vitest"
import type { Device } from "./Device.js"

export const serverPerSuite = (env: Record<string, string> = {}) => {
  let server: RunningServer | undefined
  let dataDir: string | undefined
  const devices: Array<Device> = []
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "quire-web-"))
    server = await startInProcess({ DATA_DIR: dataDir, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000", ...env })
  })
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()))
  })
  afterAll(async () => {
    await server?.stop()
    if (dataDir) await rm(dataDir, { recursive: true, force: true })
  })
  return {
    get url(): string {
      if (!server) throw new Error("the suite's server is not started")
      return server.url
    },
    get dataDir(): string {
      return dataDir!
    },
    /** Closes the device after the test. */
    track: <D extends Device>(...opened: Array<D>): void => {
      devices.push(...opened)
    }
  }
}
