/** Files for attachment tests: deterministic bytes that do not compress, and their SHA-256. */
import type { AttachmentManifest } from "@quire/schema"
import { createHash } from "node:crypto"
import type { Device } from "./Device.js"

/** Bytes with no long repeats (xorshift), a stand-in for a photo. */
export const fileBytes = (size: number, seed: number): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

export const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

export const fileOf = (bytes: Uint8Array<ArrayBuffer>, name: string, type = "image/png") => new File([bytes], name, { type })

/** The file as the device reads it back; throws unless every chunk is there and sound. */
export const readBack = async (device: Device, manifest: AttachmentManifest) => {
  const read = await device.files.read(manifest)
  if (read.kind !== "ready") throw new Error(`attachment not ready: ${read.kind}`)
  return new Uint8Array(await read.blob.arrayBuffer())
}

/** The note's files as the device lists them. */
export const attachmentsOfNote = (device: Device, noteId: string) => device.db.attachments.where("noteId").equals(noteId).toArray()
