/**
 * Client benchmark, in node with fake-indexeddb against the real server over loopback:
 * local edit → durable, edit on one device → visible on another, and 1,000 pending edits
 * pushed and acknowledged. Prints a table and writes bench-results/client.json.
 */
import { startInProcess } from "@quire/server/testing"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { noteText } from "@quire/schema"
import { LoroDoc } from "loro-crdt"
import { it } from "vitest"
import { percentile, report } from "./Report.js"
import { createDevice, joinDevice } from "../test/support/Device.js"
import { shareLinkFrom } from "../test/support/Pairing.js"

interface Row {
  readonly measure: string
  readonly p50Ms: number
  readonly p95Ms: number
  readonly runs: number
  readonly target: string
}

const row = (measure: string, samples: ReadonlyArray<number>, target: string): Row => ({
  measure,
  p50Ms: percentile(samples, 50),
  p95Ms: percentile(samples, 95),
  runs: samples.length,
  target
})

it("measures the client", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "quire-bench-"))
  const server = await startInProcess({ DATA_DIR: dataDir, LOG_LEVEL: "warn", RATE_LIMIT_PER_MINUTE: "100000" })
  const rows: Array<Row> = []
  try {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")

    // Local edit → durable, as the editor makes it: a keystroke in the note's own replica,
    // saved as the Loro update it exported; the promise resolves after the one transaction
    // commits. The note grows to a few thousand characters, as a note being written does.
    const id = await laptop.notes.create({ title: "bench", body: "" })
    const replica = new LoroDoc()
    replica.import((await laptop.db.docs.get(id))!.snapshot)
    const body = noteText(replica, "body")
    const durable: Array<number> = []
    for (let i = 0; i < 520; i++) {
      const from = replica.oplogVersion()
      body.insert(body.length, i % 40 === 39 ? "\n" : String.fromCharCode(97 + (i % 26)))
      replica.commit()
      const started = performance.now()
      await laptop.notes.saveEditorUpdate(id, replica.export({ mode: "update", from }))
      if (i >= 20) durable.push(performance.now() - started)
    }
    rows.push(row("local edit → durable", durable, "p95 ≤ 5 ms"))

    // 1,000 pending edits → all acknowledged by the server.
    const pushIds: Array<string> = []
    for (let i = 0; i < 50; i++) pushIds.push(await laptop.notes.create({ title: `push ${i}` }))
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    const pushTimes: Array<number> = []
    for (let run = 0; run < 3; run++) {
      for (let i = 0; i < 1000; i++) await laptop.notes.setBody(pushIds[i % 50]!, `run ${run} edit ${i}`)
      const started = performance.now()
      await laptop.engine.syncOnce()
      pushTimes.push(performance.now() - started)
    }
    rows.push(row("1,000 pending edits → acknowledged", pushTimes, "≤ 1,000 ms"))
    await phone.engine.syncOnce()

    // An edit after a pause on the laptop → visible in the phone's note list, both engines
    // running. The pause matters: edits that keep coming go out at most every 500 ms.
    laptop.engine.start()
    phone.engine.start()
    const visible: Array<number> = []
    for (let i = 0; i < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 600))
      const title = `visible ${i}`
      const started = performance.now()
      await laptop.notes.setTitle(id, title)
      laptop.engine.kick()
      while ((await phone.db.notes.get(id))?.title !== title) await new Promise((resolve) => setTimeout(resolve, 1))
      if (i >= 10) visible.push(performance.now() - started)
    }
    rows.push(row("edit after a pause → visible on another device", visible, "p95 ≤ 30 ms"))
    await laptop.close()
    await phone.close()
  } finally {
    await server.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
  await report("client", rows)
})
