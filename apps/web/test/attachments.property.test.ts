/**
 * Random interleavings of adding files, editing, uploading, pushing, pulling and compacting on two
 * devices: no device ever holds a manifest whose chunks the server lacks (the change waits for
 * its chunks), and in the end both devices hold the same files and read every one back whole.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { createDevice, joinDevice, type Device } from "./support/Device.js"
import { sha256Hex } from "./support/Files.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const noteCount = 2

const Step = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("attach" as const), device: fc.nat(1), note: fc.nat(noteCount - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("edit" as const), device: fc.nat(1), note: fc.nat(noteCount - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("upload" as const), device: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("push" as const), device: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("pull" as const), device: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("round" as const), device: fc.nat(1) }) },
  // A compaction's snapshot holds the device's unpushed edits too: it must not carry a manifest early either.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compact" as const), device: fc.nat(1), note: fc.nat(noteCount - 1) }) }
)

/** Which of `ids` the server lacks, asked as the device. */
const missingOnServer = async (device: Device, ids: ReadonlyArray<string>): Promise<Array<string>> => {
  if (ids.length === 0) return []
  const credentials = (await readMeta(device.db, "workspace"))!
  const response = await fetch(`${credentials.serverUrl}/api/v1/workspaces/${credentials.workspaceId}/blobs/missing`, {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.token}`, "content-type": "application/json" },
    body: JSON.stringify({ ids })
  })
  return ((await response.json()) as { missing: Array<string> }).missing
}

const fileFor = (step: number, device: number) => {
  // Some files repeat across steps, so the same chunk is added by both devices at times.
  const seed = step % 3 === 0 ? 1 : step * 7 + device
  const bytes = new Uint8Array(2000 + seed * 13).map((_, i) => (i * seed + (i >> 5)) & 0xff)
  return { bytes, file: new File([bytes], `f${seed}.bin`, { type: "application/octet-stream" }) }
}

describe("two devices adding files under random interleavings", () => {
  const server = serverPerSuite()

  it("never show another device a manifest before its chunks, and end with the same files, each readable", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(Step, { minLength: 4, maxLength: 20 }), async (steps) => {
        const laptop = await createDevice(server.url, "laptop")
        server.track(laptop)
        const ids: Array<string> = []
        for (let i = 0; i < noteCount; i++) ids.push(await laptop.notes.create({ title: `note ${i}` }))
        await laptop.engine.syncOnce()
        const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
        server.track(phone)
        await phone.engine.syncOnce()
        const devices = [laptop, phone]
        const madeBy = new Map<string, number>()
        const hashes = new Map<string, string>()

        for (const [index, step] of steps.entries()) {
          const device = devices[step.device]!
          const id = ids["note" in step ? step.note : 0]!
          if (step.kind === "attach") {
            const { bytes, file } = fileFor(index, step.device)
            const manifest = await device.files.add(id, file)
            madeBy.set(manifest.fileId, step.device)
            hashes.set(manifest.fileId, sha256Hex(bytes))
          }
          if (step.kind === "edit") await device.notes.setTitle(id, `note edited at ${index}`)
          if (step.kind === "upload") await device.engine.uploadChunks()
          if (step.kind === "push") await device.engine.pushAll()
          if (step.kind === "pull") await device.engine.pullAll()
          if (step.kind === "round") await device.engine.syncOnce()
          if (step.kind === "compact") await device.engine.compactDocument(id)
          // The invariant: a manifest a device got from the other one has every chunk on the server.
          for (const [d, other] of devices.entries()) {
            const received = (await other.db.attachments.toArray()).filter((row) => madeBy.get(row.fileId) !== d)
            expect(
              await missingOnServer(
                other,
                received.flatMap((row) => row.chunks)
              )
            ).toEqual([])
          }
        }
        for (const device of devices) await device.engine.syncOnce()
        for (const device of devices) await device.engine.syncOnce()

        const filesOf = async (device: Device) => (await device.db.attachments.orderBy("fileId").toArray()).map((row) => row.fileId)
        expect(await filesOf(phone)).toEqual(await filesOf(laptop))
        expect(await filesOf(laptop)).toEqual([...madeBy.keys()].sort())
        for (const device of devices) {
          const rows = await device.db.attachments.toArray()
          await device.files.want(rows.flatMap((row) => row.chunks))
          await device.engine.syncOnce()
          for (const row of rows) {
            const read = await device.files.read(row)
            expect(read.kind).toBe("ready")
            const bytes = new Uint8Array(await (read as { blob: Blob }).blob.arrayBuffer())
            expect(sha256Hex(bytes)).toBe(hashes.get(row.fileId))
          }
        }
      }),
      { numRuns: 15 }
    )
  })
})
