/** Reads what `ByteWriter` wrote; every read past the end throws `ByteReaderOverrun`. */
export class ByteReaderOverrun extends Error {
  override readonly name = "ByteReaderOverrun"
}

export class ByteReader {
  private readonly view: DataView
  private offset = 0

  constructor(private readonly input: Uint8Array) {
    this.view = new DataView(input.buffer, input.byteOffset, input.byteLength)
  }

  get position(): number {
    return this.offset
  }

  get remaining(): number {
    return this.input.length - this.offset
  }

  private take(size: number): number {
    if (size < 0 || this.offset + size > this.input.length) {
      throw new ByteReaderOverrun(`wanted ${size} bytes at offset ${this.offset}, ${this.remaining} left`)
    }
    const at = this.offset
    this.offset += size
    return at
  }

  u8(): number {
    return this.view.getUint8(this.take(1))
  }

  u32(): number {
    return this.view.getUint32(this.take(4))
  }

  u64(): number {
    const value = this.view.getBigUint64(this.take(8))
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ByteReaderOverrun(`u64 ${value} is past the safe range`)
    return Number(value)
  }

  bytes(size: number): Uint8Array {
    const at = this.take(size)
    return this.input.slice(at, at + size)
  }

  lengthPrefixed(): Uint8Array {
    return this.bytes(this.u32())
  }
}
