/**
 * Crashes at every await of a sync round (push, pull, import, compaction), on a seeded random
 * schedule over many rounds and three devices: after restarts, nothing is lost, nothing is
 * duplicated, and every device ends with the same notes. And a watchdog: whatever fails, the
 * status says so with a typed error, and recovers when the cause goes.
 */
import { describe, expect, it } from "vitest"
import { DocStore } from "../src/data/DocStore.js"
import type { ImportFailure, RemoteEntry } from "../src/data/RemoteImport.js"
import { readMeta } from "../src/data/Meta.js"
import { NoteRepository } from "../src/data/NoteRepository.js"
import type { QuireDb } from "../src/data/QuireDb.js"
import { makeSyncApi, type SyncApi } from "../src/sync/SyncApi.js"
import { SyncEngine } from "../src/sync/SyncEngine.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, eventually, joinDevice } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

class Killed extends Error {
  override readonly name = "Killed"
}

/** A small seeded generator (mulberry32), so a failing schedule can be replayed. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

interface Faults {
  armed: boolean
  readonly random: () => number
  readonly hits: Map<string, number>
}

const crashPoint = (faults: Faults, point: string) => {
  if (!faults.armed || faults.random() > 0.08) return
  faults.hits.set(point, (faults.hits.get(point) ?? 0) + 1)
  throw new Killed(point)
}

/** The real API with a possible crash before each call is sent and after its answer arrived. */
const crashingApi = (api: SyncApi, faults: Faults): SyncApi => {
  const around =
    <A extends Array<unknown>, R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A) => {
      crashPoint(faults, `${name}: before sending`)
      const result = await call(...args)
      crashPoint(faults, `${name}: answer lost`)
      return result
    }
  return { ...api, push: around("push", api.push), pull: around("pull", api.pull), compact: around("compact", api.compact) }
}

/** A store whose import can crash inside its transaction, after writing, before commit. */
class CrashingStore extends DocStore {
  constructor(
    db: QuireDb,
    key: CryptoKey,
    private readonly faults: Faults
  ) {
    super(db, key)
  }

  override applyRemote(entries: ReadonlyArray<RemoteEntry>, alsoWrite?: (failures: ReadonlyArray<ImportFailure>) => Promise<unknown>) {
    return super.applyRemote(entries, async (failures) => {
      await alsoWrite?.(failures)
      crashPoint(this.faults, "import: inside the transaction")
    })
  }
}

/** The device as a fresh process would see it: nothing in memory, everything from its database. */
const boot = async (db: QuireDb, faults: Faults) => {
  const credentials = (await readMeta(db, "workspace"))!
  const key = await workspaceKeyOf(credentials)
  const store = new CrashingStore(db, key, faults)
  const api = crashingApi(makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId), faults)
  return {
    store,
    notes: new NoteRepository(store),
    engine: new SyncEngine(db, store, api, key, { compaction: { minTail: 2, quietMs: 0 } })
  }
}

describe("crashes at any await of a sync round", () => {
  const server = serverPerSuite()

  for (const seed of [1, 2, 3]) {
    it(`lose nothing and duplicate nothing (seeded schedule ${seed})`, async () => {
      const random = seeded(seed)
      const faults: Faults = { armed: false, random, hits: new Map() }
      const laptop = await createDevice(server.url, "laptop")
      const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
      const tablet = await joinDevice(await shareLinkFrom(laptop), "tablet")
      server.track(laptop, phone, tablet)
      const noteIds = [await laptop.notes.create({ title: "a", body: "" }), await laptop.notes.create({ title: "b", body: "" })]
      await laptop.engine.syncOnce()
      const devices = await Promise.all([laptop, phone, tablet].map((device) => boot(device.db, faults)))
      const tokens: Array<{ note: string; token: string }> = []

      faults.armed = true
      for (let round = 0; round < 60; round++) {
        const index = Math.floor(random() * devices.length)
        const device = devices[index]!
        const note = noteIds[Math.floor(random() * noteIds.length)]!
        const token = `r${round}d${index}`
        await device.notes.setBody(note, `${(await device.notes.read(note))?.body ?? ""} ${token}`)
        tokens.push({ note, token })
        try {
          await device.engine.syncOnce()
        } catch {
          // The process died here: start it again from its database.
          devices[index] = await boot(device.store.db, faults)
        }
      }
      faults.armed = false
      for (let pass = 0; pass < 2; pass++) for (const device of devices) await device.engine.syncOnce()

      expect([...faults.hits.keys()].length).toBeGreaterThanOrEqual(4)
      const bodies = await Promise.all(
        devices.map(async (device) => Promise.all(noteIds.map(async (id) => (await device.notes.read(id))!.body)))
      )
      expect(bodies[1]).toEqual(bodies[0])
      expect(bodies[2]).toEqual(bodies[0])
      for (const { note, token } of tokens) {
        const body = bodies[0]![noteIds.indexOf(note)]!
        expect(body.split(" ").filter((word) => word === token)).toHaveLength(1)
      }
      for (const device of devices) expect(await device.store.db.outbox.count()).toBe(0)
    }, 120_000)
  }
})

describe("the sync status watchdog", () => {
  const server = serverPerSuite()

  it("turns any failure into an error or offline status with a typed cause, and recovers when the cause goes", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const credentials = (await readMeta(laptop.db, "workspace"))!
    const key = await workspaceKeyOf(credentials)
    const real = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
    let failure: "none" | "thrown" | "network" = "thrown"
    const api: SyncApi = {
      ...real,
      pull: async (...args) => {
        if (failure === "thrown") throw new TypeError("a bug deep in a round")
        if (failure === "network") return await makeSyncApi("http://127.0.0.1:9", credentials.token, credentials.workspaceId).pull(...args)
        return real.pull(...args)
      }
    }
    const engine = new SyncEngine(laptop.db, new DocStore(laptop.db, key), api, key, {
      backoff: { initialMs: 20, maxMs: 50 },
      waitSeconds: 1
    })
    engine.start()
    await eventually(() => engine.current.state === "error", 5_000, "an error status")
    expect(engine.current.lastError).toMatchObject({ kind: "device", tag: "TypeError" })
    expect(engine.current.lastError?.message).toMatch(/a bug deep in a round/)

    failure = "network"
    await eventually(() => engine.current.state === "offline", 5_000, "an offline status")
    expect(engine.current.lastError?.kind).toBe("network")

    failure = "none"
    await eventually(() => engine.current.state === "idle" && engine.current.lastError === null, 5_000, "recovery")
    await engine.stop()
  })
})
