/**
 * The server backup file: every change and blob of one workspace, still encrypted, written
 * and read as a stream so neither side ever holds the whole workspace.
 *
 * Layout (integers big-endian):
 *   "QBAK" · version u8 (= 2)
 *   records, each a tag u8 and its fields:
 *     1 change  seq u64 · deviceId 16 bytes · clientSeq u64 · kind u8 (0 update, 1 snapshot)
 *               · key length u8 · key · length u32 · data
 *     2 blob    id length u8 · id · length u32 · data
 *     0 end     headSeq u64 · changeCount u64 · blobCount u64
 *   SHA-256 of everything above (32 bytes)
 *
 * Compaction leaves gaps in the seqs, so the reader checks what a consistent workspace always
 * has: changes in strictly increasing seq order, none past the head, counts that match, the
 * checksum, and nothing after it. It yields records as they arrive; a caller that stores them
 * commits only once the end and the checksum have been read.
 */
import { sha256 } from "@noble/hashes/sha2.js"
import { Data, Either } from "effect"
import { ByteWriter } from "../bytes/ByteWriter.js"
import { uuidFromBytes, uuidToBytes } from "../bytes/Uuid.js"
import { Limits } from "../api/Limits.js"

export const backupMagic = new Uint8Array([0x51, 0x42, 0x41, 0x4b]) // "QBAK"
export const backupVersion = 2
const checksumLength = 32

const enum Tag {
  End = 0,
  Change = 1,
  Blob = 2
}

export type BackupChangeKind = "update" | "snapshot"

export interface BackupChange {
  readonly seq: number
  readonly deviceId: string
  readonly clientSeq: number
  readonly kind: BackupChangeKind
  readonly key: Uint8Array
  readonly data: Uint8Array
}

export interface BackupBlob {
  readonly id: Uint8Array
  readonly data: Uint8Array
}

export interface BackupEnd {
  readonly headSeq: number
  readonly changeCount: number
  readonly blobCount: number
}

export type BackupRecord = ({ readonly type: "change" } & BackupChange) | ({ readonly type: "blob" } & BackupBlob)

/** A whole backup in memory: for tests and small tools, never for the server. */
export interface Backup {
  readonly headSeq: number
  readonly changes: ReadonlyArray<BackupChange>
  readonly blobs: ReadonlyArray<BackupBlob>
}

export class BackupFormatError extends Data.TaggedError("BackupFormatError")<{ readonly message: string }> {}

const checkKey = (what: string, key: Uint8Array) => {
  if (key.length < Limits.minKeyBytes || key.length > Limits.maxKeyBytes) throw new RangeError(`${what} of ${key.length} bytes`)
}

/**
 * Writes a backup piece by piece: each call returns the bytes to send next, and `end` the
 * last ones, checksum included. Hashes as it goes, so nothing is kept.
 */
export class BackupWriter {
  private readonly hash = sha256.create()
  private changes = 0
  private blobs = 0

  private emit(writer: ByteWriter): Uint8Array {
    const bytes = writer.finish()
    this.hash.update(bytes)
    return bytes
  }

  header(): Uint8Array {
    return this.emit(new ByteWriter().bytes(backupMagic).u8(backupVersion))
  }

  change(change: BackupChange): Uint8Array {
    checkKey("key", change.key)
    this.changes += 1
    return this.emit(
      new ByteWriter()
        .u8(Tag.Change)
        .u64(change.seq)
        .bytes(uuidToBytes(change.deviceId))
        .u64(change.clientSeq)
        .u8(change.kind === "snapshot" ? 1 : 0)
        .u8(change.key.length)
        .bytes(change.key)
        .lengthPrefixed(change.data)
    )
  }

  blob(blob: BackupBlob): Uint8Array {
    checkKey("blob id", blob.id)
    this.blobs += 1
    return this.emit(new ByteWriter().u8(Tag.Blob).u8(blob.id.length).bytes(blob.id).lengthPrefixed(blob.data))
  }

  end(headSeq: number): Uint8Array {
    const end = this.emit(new ByteWriter().u8(Tag.End).u64(headSeq).u64(this.changes).u64(this.blobs))
    return new ByteWriter().bytes(end).bytes(this.hash.digest()).finish()
  }
}

export const encodeBackup = (backup: Backup): Uint8Array => {
  const writer = new BackupWriter()
  const out = new ByteWriter().bytes(writer.header())
  for (const change of backup.changes) out.bytes(writer.change(change))
  for (const blob of backup.blobs) out.bytes(writer.blob(blob))
  return out.bytes(writer.end(backup.headSeq)).finish()
}

export interface BackupReadLimits {
  /** Largest data of one change or blob; a record claiming more is refused before it is read. */
  readonly maxRecordBytes: number
}

const fail = (message: string): never => {
  throw new BackupFormatError({ message })
}

/** Pulls exact byte counts out of a stream of chunks, hashing what it hands out. */
class ChunkReader {
  private chunk: Uint8Array = new Uint8Array(0)
  private offset = 0
  private done = false
  readonly hash = sha256.create()

  constructor(private readonly chunks: AsyncIterator<Uint8Array>) {}

  private async fill(): Promise<boolean> {
    while (this.offset >= this.chunk.length) {
      if (this.done) return false
      const next = await this.chunks.next()
      if (next.done) {
        this.done = true
        return false
      }
      this.chunk = next.value
      this.offset = 0
    }
    return true
  }

  /** Exactly `size` bytes, or a format error if the stream ends first. */
  async read(size: number, hashed = true): Promise<Uint8Array> {
    if (!(await this.fill())) return fail("The backup is truncated.")
    if (this.chunk.length - this.offset >= size) {
      const bytes = this.chunk.subarray(this.offset, this.offset + size)
      this.offset += size
      if (hashed) this.hash.update(bytes)
      return bytes
    }
    const out = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      if (!(await this.fill())) return fail("The backup is truncated.")
      const take = Math.min(size - filled, this.chunk.length - this.offset)
      out.set(this.chunk.subarray(this.offset, this.offset + take), filled)
      this.offset += take
      filled += take
    }
    if (hashed) this.hash.update(out)
    return out
  }

  async atEnd(): Promise<boolean> {
    return !(await this.fill())
  }

  async u8(): Promise<number> {
    return (await this.read(1))[0]!
  }

  async u32(): Promise<number> {
    const b = await this.read(4)
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
  }

  async u64(): Promise<number> {
    const b = await this.read(8)
    const value = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0)
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? fail(`The backup is malformed: ${value} is past the safe range.`) : Number(value)
  }

  async sized(what: string, max: number): Promise<Uint8Array> {
    const size = await this.u32()
    if (size > max) fail(`The backup is malformed: a ${what} of ${size} bytes is larger than ${max}.`)
    // A copy: the chunk it came from may be reused by the stream that produced it.
    return (await this.read(size)).slice()
  }

  async keyOf(what: string): Promise<Uint8Array> {
    const size = await this.u8()
    if (size < Limits.minKeyBytes || size > Limits.maxKeyBytes) fail(`The backup is malformed: a ${what} of ${size} bytes.`)
    return (await this.read(size)).slice()
  }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * Reads a backup as it arrives. Yields every change and blob in file order, then returns the
 * end record once the checksum matched and nothing trails it. Any problem throws
 * `BackupFormatError` naming it; records yielded before it must then be thrown away.
 */
export async function* readBackup(chunks: AsyncIterable<Uint8Array>, limits: BackupReadLimits): AsyncGenerator<BackupRecord, BackupEnd> {
  const reader = new ChunkReader(chunks[Symbol.asyncIterator]())
  if (await reader.atEnd()) return fail("This file is not a Quire backup: it is empty.")
  const magic = await reader.read(backupMagic.length).catch(() => fail("This file is not a Quire backup."))
  if (!sameBytes(magic, backupMagic)) fail("This file is not a Quire backup.")
  const version = await reader.u8()
  if (version !== backupVersion) fail(`This backup has format version ${version}; this server reads version ${backupVersion}.`)
  let lastSeq = 0
  let changes = 0
  let blobs = 0
  for (;;) {
    const tag = await reader.u8()
    if (tag === Tag.Change) {
      const seq = await reader.u64()
      const deviceId = uuidFromBytes(await reader.read(16))
      const clientSeq = await reader.u64()
      const kindByte = await reader.u8()
      if (kindByte > 1) fail(`The backup is malformed: change ${seq} has kind ${kindByte}.`)
      if (seq <= lastSeq) fail(`The backup is inconsistent: change ${seq} follows ${lastSeq}.`)
      if (clientSeq < 1) fail(`The backup is inconsistent: change ${seq} has clientSeq ${clientSeq}.`)
      const key = await reader.keyOf("key")
      const data = await reader.sized("change", limits.maxRecordBytes)
      lastSeq = seq
      changes += 1
      yield { type: "change", seq, deviceId, clientSeq, kind: kindByte === 1 ? "snapshot" : "update", key, data }
    } else if (tag === Tag.Blob) {
      const id = await reader.keyOf("blob id")
      const data = await reader.sized("blob", Math.min(limits.maxRecordBytes, Limits.maxBlobBytes))
      blobs += 1
      yield { type: "blob", id, data }
    } else if (tag === Tag.End) {
      const end = { headSeq: await reader.u64(), changeCount: await reader.u64(), blobCount: await reader.u64() }
      const digest = reader.hash.digest()
      const checksum = await reader.read(checksumLength, false).catch(() => fail("The backup is truncated: its checksum is missing."))
      if (!sameBytes(digest, checksum)) fail("The backup is damaged: its checksum does not match.")
      if (!(await reader.atEnd())) fail("The backup is malformed: bytes follow its checksum.")
      if (end.changeCount !== changes || end.blobCount !== blobs) {
        fail(`The backup is inconsistent: it says ${end.changeCount} changes and ${end.blobCount} blobs, it holds ${changes} and ${blobs}.`)
      }
      if (lastSeq > end.headSeq) fail(`The backup is inconsistent: change ${lastSeq} lies past head ${end.headSeq}.`)
      return end
    } else {
      fail(`The backup is malformed: unknown record ${tag}.`)
    }
  }
}

/** Reads a whole backup held in memory (tests, small tools). */
export const decodeBackup = async (
  file: Uint8Array,
  limits: BackupReadLimits = { maxRecordBytes: 2 ** 31 }
): Promise<Either.Either<Backup, BackupFormatError>> => {
  const changes: Array<BackupChange> = []
  const blobs: Array<BackupBlob> = []
  try {
    const records = readBackup(
      (async function* () {
        yield file
      })(),
      limits
    )
    for (;;) {
      const next = await records.next()
      if (next.done) return Either.right({ headSeq: next.value.headSeq, changes, blobs })
      const { type, ...record } = next.value
      if (type === "change") changes.push(record as BackupChange)
      else blobs.push(record as BackupBlob)
    }
  } catch (error) {
    if (error instanceof BackupFormatError) return Either.left(error)
    throw error
  }
}
