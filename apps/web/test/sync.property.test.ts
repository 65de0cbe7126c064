/**
 * Random interleavings of edits, pushes, pulls and compactions on three devices (so the server
 * deletes changes while others are in flight) always end in identical notes holding every edit,
 * and a device that joins afterwards, from what the server kept, gets the same notes.
 */
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { createDevice, joinDevice, notesOf, type Device } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { workspaceInfo } from "./support/RawApi.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const deviceCount = 3
const noteCount = 2
const eager = { compaction: { minTail: 2, quietMs: 0 } }

const Step = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("edit" as const), device: fc.nat(deviceCount - 1), note: fc.nat(noteCount - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("push" as const), device: fc.nat(deviceCount - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("pull" as const), device: fc.nat(deviceCount - 1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("compactDue" as const), device: fc.nat(deviceCount - 1) }) },
  // A whole round, as the worker runs it: its pull is skipped when the push was all that was new.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("round" as const), device: fc.nat(deviceCount - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("compactNow" as const), device: fc.nat(deviceCount - 1), note: fc.nat(noteCount - 1) })
  }
)

describe("three devices under random interleavings of edit, push, pull and compact", () => {
  const server = serverPerSuite()

  it("converge to identical notes holding every edit, and a late device gets the same from the server", async () => {
    let runsWithDeletions = 0
    await fc.assert(
      fc.asyncProperty(fc.array(Step, { minLength: 5, maxLength: 30 }), async (steps) => {
        const laptop = await createDevice(server.url, "laptop", eager)
        const devices: Array<Device> = [laptop]
        server.track(laptop)
        const ids: Array<string> = []
        for (let i = 0; i < noteCount; i++) ids.push(await laptop.notes.create({ title: `note ${i}`, body: "start" }))
        await laptop.engine.syncOnce()
        for (const name of ["phone", "tablet"]) {
          const device = await joinDevice(await shareLinkFrom(laptop), name, eager)
          server.track(device)
          await device.engine.syncOnce()
          devices.push(device)
        }
        const written: Array<{ note: number; token: string }> = []
        for (const [index, step] of steps.entries()) {
          const device = devices[step.device]!
          if (step.kind === "edit") {
            const token = `e${index}d${step.device}`
            const id = ids[step.note]!
            await device.notes.setBody(id, `${(await device.notes.read(id))!.body} ${token}`)
            written.push({ note: step.note, token })
          }
          if (step.kind === "push") await device.engine.pushAll()
          if (step.kind === "pull") await device.engine.pullAll()
          if (step.kind === "compactDue") await device.engine.compactIfDue()
          if (step.kind === "round") await device.engine.syncOnce()
          if (step.kind === "compactNow") await device.engine.compactDocument(ids[step.note]!)
        }
        for (const device of devices) await device.engine.pushAll()
        for (const device of devices) await device.engine.pullAll()

        const expected = await notesOf(laptop)
        for (const device of devices) expect(await notesOf(device)).toEqual(expected)
        for (const { note, token } of written) expect(expected.find((n) => n?.id === ids[note])!.body).toContain(token)
        const late = await joinDevice(await shareLinkFrom(laptop), "late")
        server.track(late)
        await late.engine.syncOnce()
        expect(await notesOf(late)).toEqual(expected)
        const info = await workspaceInfo(laptop)
        if (info.changeCount < info.headSeq) runsWithDeletions += 1
      }),
      { numRuns: 25 }
    )
    // The property is only worth something if the server really deleted changes in many runs.
    expect(runsWithDeletions).toBeGreaterThan(5)
  }, 300_000)
})
