/**
 * Device export, import and the Markdown zip with attachments, against the real server: the
 * export fetches what the device lacks, names what it cannot have, and an import re-stores
 * every file under the new workspace's key.
 */
import { attachmentMarkdown, type AttachmentManifest } from "@quire/schema"
import { encodeEnvelope } from "@quire/shared"
import { Either } from "effect"
import { unzipSync, strFromU8 } from "fflate"
import { describe, expect, it } from "vitest"
import { exportMarkdown, exportWorkspace, type ExportSource, type UnavailableFile } from "../src/backup/WorkspaceExport.js"
import { importExportFile } from "../src/backup/WorkspaceImport.js"
import { readMeta } from "../src/data/Meta.js"
import { makeSyncApi } from "../src/sync/SyncApi.js"
import { workspaceKeyOf } from "../src/sync/Workspace.js"
import { openDevice } from "./support/Device.js"
import { createDevice, freshRegistry, joinDevice, notesOf, type Device } from "./support/Device.js"
import { attachmentsOfNote, fileBytes, fileOf, readBack, sha256Hex } from "./support/Files.js"
import { shareLinkFrom } from "./support/Pairing.js"
import { serverPerSuite } from "./support/SuiteServer.js"

const sourceOf = async (device: Device): Promise<ExportSource> => {
  const credentials = (await readMeta(device.db, "workspace"))!
  const api = makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId)
  return { db: device.db, workspaceKey: await workspaceKeyOf(credentials), fetchChunk: api.getBlob }
}

const refuseMissing = async (files: ReadonlyArray<UnavailableFile>): Promise<boolean> => {
  throw new Error(`no file should be missing: ${files.map((file) => file.name).join(", ")}`)
}

describe("device export and import with attachments", () => {
  const server = serverPerSuite()

  const importInto = async (name: string, bytes: Uint8Array, passphrase?: string) => {
    const progress: Array<[number, number]> = []
    const imported = await importExportFile(freshRegistry(name), server.url, name, bytes, passphrase, (done, total) =>
      progress.push([done, total])
    )
    if (Either.isLeft(imported)) throw new Error(`import: ${imported.left.message}`)
    const device = await openDevice(name, imported.right.db)
    server.track(device)
    return { device, notImported: imported.right.notImported, progress }
  }

  it("a device that holds no chunk fetches them for the export, and the import's workspace reads every file back", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const photo = fileBytes(2 * 1024 * 1024 + 500, 1)
    const text = new TextEncoder().encode("a small text file")
    const old = fileBytes(700, 2)
    const trip = await laptop.notes.create({ title: "Trip" })
    const photoFile = await laptop.files.add(trip, fileOf(photo, "beach.png"))
    await laptop.files.add(trip, fileOf(new Uint8Array(text), "notes.txt", "text/plain"))
    const trashed = await laptop.notes.create({ title: "Old" })
    await laptop.files.add(trashed, fileOf(old, "old.png"))
    await laptop.notes.trash(trashed)
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    expect(await phone.db.blobs.count()).toBe(0)

    const progress: Array<string> = []
    const bytes = await exportWorkspace(await sourceOf(phone), {
      passphrase: "long enough passphrase",
      withoutUnavailable: refuseMissing,
      onProgress: (phase, done, total) => progress.push(`${phase} ${done}/${total}`)
    })
    expect(progress).toContain("fetching 5/5")
    expect(progress.at(-1)).toBe("reading 3/3")
    expect(await phone.db.blobs.count()).toBe(5)

    const { device: restored, notImported, progress: importProgress } = await importInto("imported", bytes!, "long enough passphrase")
    expect(notImported).toEqual([])
    expect(importProgress.at(-1)).toEqual([importProgress.at(-1)![1], importProgress.at(-1)![1]])
    expect(await notesOf(restored)).toEqual(await notesOf(laptop))
    const [beach] = (await attachmentsOfNote(restored, trip)).filter((row) => row.name === "beach.png")
    // Same file, same id; new chunk ids, under the new workspace's key.
    expect(beach).toMatchObject({ fileId: photoFile.fileId, sha256: photoFile.sha256, size: photoFile.size })
    expect(beach!.chunks).toHaveLength(3)
    expect(beach!.chunks.some((id) => photoFile.chunks.includes(id))).toBe(false)
    expect(sha256Hex(await readBack(restored, beach!))).toBe(sha256Hex(photo))
    // Each imported note's change waits for its chunks, which go first.
    expect((await restored.db.outbox.toArray()).find((entry) => entry.docId === trip)?.needs).toEqual(
      expect.arrayContaining([...beach!.chunks])
    )
    await restored.engine.syncOnce()
    expect(await restored.db.blobUploads.count()).toBe(0)
    expect(await restored.db.outbox.count()).toBe(0)

    // Another device of the new workspace reads the files from its server.
    const tablet = await joinDevice(await shareLinkFrom(restored), "tablet")
    server.track(tablet)
    await tablet.engine.syncOnce()
    for (const noteId of [trip, trashed]) {
      for (const manifest of await attachmentsOfNote(tablet, noteId)) {
        await tablet.files.want(manifest.chunks)
        await tablet.engine.syncOnce()
        const expected = { "beach.png": photo, "notes.txt": text, "old.png": old }[manifest.name]!
        expect(sha256Hex(await readBack(tablet, manifest))).toBe(sha256Hex(expected))
      }
    }
  })

  it("a file that cannot be fetched is named; the person chooses to export nothing, or without it, and the import says so", async () => {
    const laptop = await createDevice(server.url, "laptop")
    const phone = await joinDevice(await shareLinkFrom(laptop), "phone")
    server.track(laptop, phone)
    const lost = await laptop.notes.create({ title: "lost" })
    await laptop.files.add(lost, fileOf(fileBytes(3000, 3), "lost.png"))
    const kept = await laptop.notes.create({ title: "kept" })
    const keptFile = await laptop.files.add(kept, fileOf(fileBytes(4000, 4), "kept.png"))
    await laptop.engine.syncOnce()
    await phone.engine.syncOnce()
    // The lost file's chunk is gone from the server (as if removed there), and the phone never held it.
    const [lostFile] = await attachmentsOfNote(phone, lost)
    const credentials = (await readMeta(laptop.db, "workspace"))!
    Either.getOrThrow(await makeSyncApi(credentials.serverUrl, credentials.token, credentials.workspaceId).deleteBlob(lostFile!.chunks[0]!))

    const asked: Array<ReadonlyArray<UnavailableFile>> = []
    const declined = await exportWorkspace(await sourceOf(phone), { withoutUnavailable: async (files) => (asked.push(files), false) })
    expect(declined).toBeUndefined()
    expect(asked).toEqual([
      [{ noteId: lost, fileId: lostFile!.fileId, name: "lost.png", reason: expect.stringMatching(/not on the server/) }]
    ])

    const bytes = await exportWorkspace(await sourceOf(phone), { withoutUnavailable: async () => true })
    const { device, notImported } = await importInto("partial", bytes!)
    expect(notImported).toEqual([{ noteId: lost, name: "lost.png" }])
    const [keptThere] = await attachmentsOfNote(device, kept)
    expect(sha256Hex(await readBack(device, keptThere!))).toBe(keptFile.sha256)
    // The note still lists the file, which reads as missing rather than as something else.
    const [lostThere] = await attachmentsOfNote(device, lost)
    expect((await device.files.read(lostThere!)).kind).toBe("missing")
  })

  it("the Markdown zip holds each note's files beside it, its links rewritten to them, names made unique", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const one = fileBytes(1500, 5)
    const two = fileBytes(1600, 6)
    const paper = new TextEncoder().encode("%PDF-1.4 not really")
    const trip = await laptop.notes.create({ title: "Trip" })
    const first = await laptop.files.add(trip, fileOf(one, "photo.png"))
    const second = await laptop.files.add(trip, fileOf(two, "photo.png"))
    const third = await laptop.files.add(trip, fileOf(new Uint8Array(paper), "my (1) paper.pdf", "application/pdf"))
    const link = (manifest: AttachmentManifest) => attachmentMarkdown(manifest)
    await laptop.notes.setBody(trip, `Day one ${link(first)}\nDay two ${link(second)}\nRead ${link(third)}`)
    const bin = await laptop.notes.create({ title: "Bin" })
    const binned = await laptop.files.add(bin, fileOf(one, "photo.png"))
    await laptop.notes.setBody(bin, link(binned))
    await laptop.notes.trash(bin)

    const zip = unzipSync((await exportMarkdown(await sourceOf(laptop), { withoutUnavailable: refuseMissing }))!)
    expect(Object.keys(zip).sort()).toEqual(
      [
        "attachments/my (1) paper.pdf",
        "attachments/photo-2.png",
        "attachments/photo.png",
        "trash/attachments/photo.png",
        "trash/bin.md",
        "trip.md"
      ].sort()
    )
    const body = strFromU8(zip["trip.md"]!)
    const pathAfter = (words: string) => body.match(new RegExp(`${words} !\\[photo\\.png\\]\\(([^)]+)\\)`))?.[1]
    const [onePath, twoPath] = [pathAfter("Day one"), pathAfter("Day two")]
    expect(new Set([onePath, twoPath])).toEqual(new Set(["attachments/photo.png", "attachments/photo-2.png"]))
    expect(sha256Hex(zip[onePath!]!)).toBe(sha256Hex(one))
    expect(sha256Hex(zip[twoPath!]!)).toBe(sha256Hex(two))
    expect(body).toContain("[my (1) paper.pdf](attachments/my%20%281%29%20paper.pdf)")
    expect(body).not.toContain("attachment:")
    expect(strFromU8(zip["trash/bin.md"]!)).toContain("![photo.png](attachments/photo.png)")
    expect(sha256Hex(zip["trash/attachments/photo.png"]!)).toBe(sha256Hex(one))
  })

  it("refuses a garbage file, a cut one, and a v2 export whose file section is cut, with a clear error and no workspace", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    const id = await laptop.notes.create({ title: "with a file" })
    await laptop.files.add(id, fileOf(fileBytes(20_000, 7), "pic.png"))
    const plain = (await exportWorkspace(await sourceOf(laptop), { withoutUnavailable: refuseMissing }))!
    const sealed = (await exportWorkspace(await sourceOf(laptop), { withoutUnavailable: refuseMissing, passphrase: "pass phrase" }))!
    const cases: Array<[string, Uint8Array, string | undefined, RegExp]> = [
      ["garbage", new TextEncoder().encode("PK\u0003\u0004 a zip, not an export"), undefined, /not a Quire export/],
      ["cut in its header", plain.slice(0, 5), undefined, /not a Quire export/],
      ["cut in its notes", plain.slice(0, 40), undefined, /cut short/],
      ["its file section cut", plain.slice(0, plain.length - 5000), undefined, /cut short/],
      ["sealed, cut", sealed.slice(0, sealed.length - 5000), "pass phrase", /passphrase is wrong, or the file was changed or cut short/],
      ["sealed, no passphrase", sealed, undefined, /enter its passphrase/]
    ]
    for (const [what, bytes, passphrase, message] of cases) {
      const registry = freshRegistry(`bad-${what.replace(/\W+/g, "-")}`)
      const result = await importExportFile(registry, server.url, "bad", bytes, passphrase)
      expect(Either.isLeft(result) && result.left.message, what).toMatch(message)
      expect(await registry.current(), what).toBeUndefined()
    }
  })

  it("still imports a version 1 export (notes only)", async () => {
    const laptop = await createDevice(server.url, "laptop")
    server.track(laptop)
    await laptop.notes.create({ title: "from an older app", body: "kept" })
    const documents = (await laptop.db.docs.toArray()).map((row) => ({ docId: row.id, bytes: row.snapshot }))
    const v1 = new Uint8Array([0x51, 0x45, 0x58, 0x50, 1, 0, ...encodeEnvelope(documents)])
    const { device, notImported } = await importInto("from-v1", v1)
    expect(notImported).toEqual([])
    expect(await notesOf(device)).toEqual(await notesOf(laptop))
  })
})
