/**
 * Storage benchmark, in node with fake-indexeddb against the real server over loopback: what
 * per-document compaction uploads while one note of a large workspace is edited, and what the
 * server stores once typing has stopped and compaction has run. Prints a table and writes
 * bench-results/storage.json.
 */
import { startInProcess } from "@quire/server/testing"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { makeSyncApi, type SyncApi } from "../src/sync/SyncApi.js"
import { SyncEngine } from "../src/sync/SyncEngine.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { createDevice, type Device } from "../test/support/Device.js"
import { workspaceInfo } from "../test/support/RawApi.js"
import { report } from "./Report.js"

const quietMs = 200

/** The device's own engine, with every compaction upload counted. */
const countingEngine = async (device: Device, uploaded: { bytes: number; compactions: number }) => {
  const credentials = (await readMeta(device.db, "workspace"))!
  const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
  const counting: SyncApi = {
    ...api,
    compact: (payload) => {
      uploaded.bytes += payload.data.length
      uploaded.compactions += 1
      return api.compact(payload)
    }
  }
  return new SyncEngine(device.db, device.store, counting, await workspaceKeyOf(credentials), { compaction: { quietMs } })
}

/** Rounds until a round compacts nothing more, after the quiet time has passed. */
const settle = async (engine: SyncEngine, uploaded: { compactions: number }) => {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs + 50))
    const before = uploaded.compactions
    await engine.syncOnce()
    await engine.syncOnce()
    if (uploaded.compactions === before) return
  }
}

const snapshotBytes = async (device: Device, ids: ReadonlyArray<string>) => {
  let total = 0
  for (const id of ids) {
    const taken = await device.store.compactionSnapshot(id)
    if ("snapshot" in taken) total += taken.snapshot.length
  }
  return total
}

it("measures storage and compaction", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "quire-bench-"))
  const server = await startInProcess({ DATA_DIR: dataDir, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000" })
  const rows: Array<object> = []
  try {
    // 1,000 edits to one note of a 10,000-note workspace, synced after every edit.
    const big = await createDevice(server.url, "big")
    for (let i = 0; i < 10_000; i++) await big.notes.create({ title: `note ${i}`, body: `body of note ${i}` })
    const uploaded = { bytes: 0, compactions: 0 }
    const engine = await countingEngine(big, uploaded)
    await engine.syncOnce()
    const id = await big.notes.create({ title: "the edited note", body: "" })
    let body = ""
    for (let i = 0; i < 1000; i++) {
      body += String.fromCharCode(97 + (i % 26))
      await big.notes.setBody(id, body)
      await engine.syncOnce()
    }
    await settle(engine, uploaded)
    const snapshot = await snapshotBytes(big, [id])
    rows.push({
      measure: "compaction upload after 1,000 edits to 1 note of 10,000",
      value: `${uploaded.bytes} B in ${uploaded.compactions} compactions`,
      ratio: Number((uploaded.bytes / snapshot).toFixed(2)),
      of: `the note's snapshot (${snapshot} B)`,
      target: "≤ 4×"
    })
    await big.close()

    // 10,000 characters typed into 100 notes, synced every 10 characters, then left to settle.
    const typist = await createDevice(server.url, "typist")
    const typed = { bytes: 0, compactions: 0 }
    const typing = await countingEngine(typist, typed)
    const ids: Array<string> = []
    for (let i = 0; i < 100; i++) ids.push(await typist.notes.create({ title: `typed ${i}`, body: "" }))
    const bodies = ids.map(() => "")
    for (let char = 0; char < 100; char++) {
      for (let n = 0; n < 100; n++) {
        bodies[n] += String.fromCharCode(97 + ((char + n) % 26))
        await typist.notes.setBody(ids[n]!, bodies[n]!)
        if ((char * 100 + n) % 10 === 9) await typing.syncOnce()
      }
    }
    await typing.syncOnce()
    await settle(typing, typed)
    const stored = (await workspaceInfo(typist)).bytesUsed
    const plaintext = await snapshotBytes(typist, ids)
    rows.push({
      measure: "server bytes after typing 10,000 chars into 100 notes, compacted",
      value: `${stored} B (${(stored / 10_000).toFixed(1)} B per character typed)`,
      ratio: Number((stored / plaintext).toFixed(2)),
      of: `the notes' plaintext documents (${plaintext} B of Loro snapshots)`,
      target: "≤ 2.5×"
    })
    await typist.close()
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  await report("storage", rows)
})
