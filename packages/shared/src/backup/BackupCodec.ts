/**
 * The server backup file: every snapshot and change of one workspace, still encrypted.
 *
 * Layout (integers big-endian):
 *   "QBAK" · version u8 (= 1) · headSeq u64
 *   hasSnapshot u8 · [snapshotSeq u64 · length u32 · bytes]
 *   changeCount u32 · changeCount × (seq u64 · deviceId 16 bytes · clientSeq u64 · length u32 · bytes)
 *   SHA-256 of everything above (32 bytes)
 *
 * The decoder accepts only a file that could have come from a consistent workspace: the
 * checksum matches, nothing trails, and the changes run without a gap from just after the
 * snapshot (or from 1) up to headSeq, each (deviceId, clientSeq) once.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { Data, Either } from "effect"
import { ByteReader, ByteReaderOverrun } from "../bytes/ByteReader.js"
import { ByteWriter } from "../bytes/ByteWriter.js"
import { uuidFromBytes, uuidToBytes } from "../bytes/Uuid.js"

export const backupMagic = new Uint8Array([0x51, 0x42, 0x41, 0x4b]) // "QBAK"
export const backupVersion = 1
const checksumLength = 32

export interface BackupSnapshot {
  readonly seq: number
  readonly data: Uint8Array
}

export interface BackupChange {
  readonly seq: number
  readonly deviceId: string
  readonly clientSeq: number
  readonly data: Uint8Array
}

export interface Backup {
  readonly headSeq: number
  readonly snapshot: BackupSnapshot | null
  /** In seq order. */
  readonly changes: ReadonlyArray<BackupChange>
}

export class BackupFormatError extends Data.TaggedError("BackupFormatError")<{ readonly message: string }> {}

export const encodeBackup = (backup: Backup): Uint8Array => {
  const writer = new ByteWriter().bytes(backupMagic).u8(backupVersion).u64(backup.headSeq)
  if (backup.snapshot === null) {
    writer.u8(0)
  } else {
    writer.u8(1).u64(backup.snapshot.seq).lengthPrefixed(backup.snapshot.data)
  }
  writer.u32(backup.changes.length)
  for (const change of backup.changes) {
    writer.u64(change.seq).bytes(uuidToBytes(change.deviceId)).u64(change.clientSeq).lengthPrefixed(change.data)
  }
  const body = writer.finish()
  return new ByteWriter().bytes(body).bytes(sha256(body)).finish()
}

const fail = (message: string) => Either.left(new BackupFormatError({ message }))

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

export const decodeBackup = (file: Uint8Array): Either.Either<Backup, BackupFormatError> => {
  if (file.length < backupMagic.length + 1 || !sameBytes(file.subarray(0, backupMagic.length), backupMagic)) {
    return fail("This file is not a Quire backup.")
  }
  const version = file[backupMagic.length]
  if (version !== backupVersion) {
    return fail(`This backup has format version ${version}; this server reads version ${backupVersion}.`)
  }
  if (file.length < backupMagic.length + 1 + checksumLength) return fail("The backup is truncated.")
  const body = file.subarray(0, file.length - checksumLength)
  if (!sameBytes(sha256(body), file.subarray(file.length - checksumLength))) {
    return fail("The backup is damaged: its checksum does not match.")
  }
  let backup: Backup
  try {
    backup = readBody(new ByteReader(body))
  } catch (error) {
    if (error instanceof ByteReaderOverrun || error instanceof RangeError) {
      return fail(`The backup is malformed: ${error.message}.`)
    }
    throw error
  }
  const problem = inconsistency(backup)
  return problem === null ? Either.right(backup) : fail(`The backup is inconsistent: ${problem}.`)
}

const readBody = (reader: ByteReader): Backup => {
  reader.bytes(backupMagic.length + 1)
  const headSeq = reader.u64()
  const hasSnapshot = reader.u8()
  if (hasSnapshot > 1) throw new RangeError(`snapshot flag ${hasSnapshot}`)
  const snapshot = hasSnapshot === 1 ? { seq: reader.u64(), data: reader.lengthPrefixed() } : null
  const count = reader.u32()
  const changes: Array<BackupChange> = []
  for (let i = 0; i < count; i++) {
    const seq = reader.u64()
    const deviceId = uuidFromBytes(reader.bytes(16))
    const clientSeq = reader.u64()
    changes.push({ seq, deviceId, clientSeq, data: reader.lengthPrefixed() })
  }
  if (reader.remaining !== 0) throw new RangeError(`${reader.remaining} bytes after the last change`)
  return { headSeq, snapshot, changes }
}

const inconsistency = ({ headSeq, snapshot, changes }: Backup): string | null => {
  const snapshotSeq = snapshot?.seq ?? 0
  if (snapshot !== null && (snapshot.seq < 1 || snapshot.seq > headSeq)) {
    return `snapshot seq ${snapshot.seq} is outside 1..${headSeq}`
  }
  const first = changes[0]
  if (first === undefined) {
    return snapshotSeq === headSeq ? null : `no changes, yet head ${headSeq} lies past snapshot ${snapshotSeq}`
  }
  if (first.seq < 1 || first.seq > snapshotSeq + 1) return `changes start at ${first.seq}, leaving a gap after ${snapshotSeq}`
  const seen = new Set<string>()
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!
    if (change.seq !== first.seq + i) return `change seq ${change.seq} breaks the run at position ${i}`
    if (change.clientSeq < 1) return `change ${change.seq} has clientSeq ${change.clientSeq}`
    const key = `${change.deviceId}/${change.clientSeq}`
    if (seen.has(key)) return `device ${change.deviceId} has clientSeq ${change.clientSeq} twice`
    seen.add(key)
  }
  const last = changes[changes.length - 1]!.seq
  return last === headSeq ? null : `changes end at ${last} but head is ${headSeq}`
}
