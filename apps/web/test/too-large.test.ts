/** One edit the server refuses as too large must not block every later edit of the device. */
import { describe, expect, it } from "vitest"
import { NoteTooLarge } from "../src/data/NoteRepository.js"
import { createDevice, joinDevice, notesOf } from "./support/Device.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("an edit too large for the server", () => {
  const server = serverPerSuite({ MAX_BODY_BYTES: String(256 * 1024) })

  it("is set aside, visibly, and every later edit still syncs", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const big = await laptop.notes.create({ title: "huge paste", body: "x".repeat(400 * 1024) })
    const small = await laptop.notes.create({ title: "written after it" })
    await laptop.notes.setBody(small, "still arrives")
    await laptop.engine.syncOnce()

    expect(laptop.engine.current).toMatchObject({ state: "idle", pending: 0, lastError: null })
    expect(laptop.engine.current.tooLarge).toHaveLength(1)
    expect(laptop.engine.current.tooLarge[0]).toMatchObject({ docId: big })
    expect(laptop.engine.current.tooLarge[0]!.bytes).toBeGreaterThan(256 * 1024)
    // Nothing is lost: the change waits in the outbox, the note is intact here.
    expect(await laptop.db.outbox.count()).toBe(1)
    expect((await laptop.notes.read(big))?.body.length).toBe(400 * 1024)

    await phone.engine.syncOnce()
    expect((await notesOf(phone)).map((n) => n?.title)).toEqual(["written after it"])
    expect((await phone.notes.read(small))?.body).toBe("still arrives")
  })

  it("the repository refuses note text past the stated size, and stores nothing of it", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const id = await laptop.notes.create({ title: "growing" })
    await expect(laptop.notes.setBody(id, "y".repeat(4 * 1024 * 1024 + 1))).rejects.toThrow(NoteTooLarge)
    await expect(laptop.notes.setBody(id, "y".repeat(4 * 1024 * 1024 + 1))).rejects.toThrow(/at most 4\.0 MB.*attach/)
    expect((await laptop.notes.read(id))?.body).toBe("")
    expect(await laptop.db.outbox.count()).toBe(1)
  })
})
