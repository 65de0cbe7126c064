/** The recovery kit: taking the workspace over on a new device loses no edit, of the new device or the old. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { formatRecoveryKit, parseRecoveryKit, recoverWorkspace } from "../src/sync/RecoveryKit.js"
import { createDevice, eventually, freshRegistry, joinDevice, notesOf, recoverDevice } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("the recovery kit", () => {
  const server = serverPerSuite()

  it("makes a new device the master under a new device id, and every edit it makes arrives", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    for (let i = 0; i < 3; i++) await laptop.notes.create({ title: `before the loss ${i}` })
    await laptop.engine.syncOnce()
    const lost = (await readMeta(laptop.db, "workspace"))!

    const rescued = await recoverDevice(formatRecoveryKit(lost))
    server.track(rescued)
    const credentials = (await readMeta(rescued.db, "workspace"))!
    expect(credentials.role).toBe("master")
    expect(credentials.deviceId).not.toBe(lost.deviceId)
    expect(await readMeta(rescued.db, "kitOutdated")).toBe(true)
    await rescued.engine.syncOnce()
    // Its own counter starts again at 1: under a new device id, the server stores every edit.
    const ids: Array<string> = []
    for (let i = 0; i < 3; i++) ids.push(await rescued.notes.create({ title: `after the rescue ${i}` }))
    expect((await rescued.db.outbox.toArray()).map((e) => e.clientSeq)).toEqual([1, 2, 3])
    await rescued.engine.syncOnce()
    expect(await rescued.db.outbox.count()).toBe(0)

    await phone.engine.syncOnce()
    expect((await notesOf(phone)).map((n) => n?.title).sort()).toEqual([
      "after the rescue 0",
      "after the rescue 1",
      "after the rescue 2",
      "before the loss 0",
      "before the loss 1",
      "before the loss 2"
    ])
    // The lost master's token no longer works; it keeps its notes and says so.
    await laptop.notes.create({ title: "written on the lost laptop" })
    laptop.engine.start()
    await eventually(() => laptop.engine.current.lastError?.kind === "auth", 10_000, "the lost laptop to see it was removed")
    expect(laptop.engine.current.state).toBe("error")
    expect(await laptop.db.notes.count()).toBe(4)
    expect(await laptop.db.outbox.count()).toBe(1)
  })

  it("a used kit no longer works: its master token was revoked by the recovery", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const kit = formatRecoveryKit((await readMeta(laptop.db, "workspace"))!)
    server.track(await recoverDevice(kit, "first rescue"))
    const again = await recoverWorkspace(freshRegistry("second rescue"), kit, "second rescue")
    expect(Either.isLeft(again) && again.left.kind).toBe("auth")
  })

  it("names what is missing from a garbled kit, and creates nothing", async () => {
    expect(parseRecoveryKit("Quire recovery kit\nworkspace: abc\nkey: k\nserver: https://x.example")).toBe(
      'the kit has no "master token" line'
    )
    const registry = freshRegistry("garbled")
    const result = await recoverWorkspace(registry, "hello", "garbled")
    expect(Either.isLeft(result) && result.left.message).toMatch(/not a Quire recovery kit: the kit has no "workspace" line/)
    expect(await registry.current()).toBeUndefined()
  })
})
