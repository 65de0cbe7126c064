/** The server backup carries attachments: restored with the recovery kit's key, a device reads the file back whole. */
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { readMeta } from "../src/data/Meta.js"
import { downloadBackup } from "../src/sync/BackupTransfer.js"
import { restoreWorkspace } from "../src/sync/Workspace.js"
import { openDevice } from "./support/Device.js"
import { createDevice, freshRegistry, joinDevice } from "./support/Device.js"
import { attachmentsOfNote, fileBytes, fileOf, readBack, sha256Hex } from "./support/Files.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

describe("server backup and restore with attachments", () => {
  const server = serverPerSuite()

  it("a file added on a device is in the master's backup, and a device of the restored workspace reads it back", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const bytes = fileBytes(3 * 1024 * 1024 + 77, 13)
    const id = await phone.notes.create({ title: "scans" })
    const manifest = await phone.files.add(id, fileOf(bytes, "scan.tiff", "image/tiff"))
    await phone.engine.syncOnce()
    await laptop.engine.syncOnce()

    const credentials = (await readMeta(laptop.db, "workspace"))!
    const backup = Either.getOrThrow(await downloadBackup(credentials, () => {}))
    expect(backup.size).toBeGreaterThan(bytes.length)
    const restored = Either.getOrThrow(await restoreWorkspace(freshRegistry("restored"), server.url, backup, credentials.workspaceKey))
    const device = await openDevice("restored", restored.db)
    server.track(device)
    await device.engine.syncOnce()

    const [listed] = await attachmentsOfNote(device, id)
    expect(listed).toMatchObject({ fileId: manifest.fileId, chunks: manifest.chunks, sha256: manifest.sha256 })
    expect(await device.files.read(listed!)).toEqual({ kind: "missing", ids: manifest.chunks })
    await device.files.want(listed!.chunks)
    await device.engine.syncOnce()
    expect(sha256Hex(await readBack(device, listed!))).toBe(sha256Hex(bytes))
  })
})
