/** Appends big-endian integers and byte runs to a growing buffer. */
export class ByteWriter {
  private buffer = new Uint8Array(256)
  private view = new DataView(this.buffer.buffer)
  private length = 0

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < this.length + extra) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  u8(value: number): this {
    this.reserve(1)
    this.view.setUint8(this.length, value)
    this.length += 1
    return this
  }

  u32(value: number): this {
    this.reserve(4)
    this.view.setUint32(this.length, value)
    this.length += 4
    return this
  }

  /** A non-negative safe integer as 8 bytes. */
  u64(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a u64 safe integer: ${value}`)
    this.reserve(8)
    this.view.setBigUint64(this.length, BigInt(value))
    this.length += 8
    return this
  }

  bytes(value: Uint8Array): this {
    this.reserve(value.length)
    this.buffer.set(value, this.length)
    this.length += value.length
    return this
  }

  /** A u32 length followed by the bytes. */
  lengthPrefixed(value: Uint8Array): this {
    return this.u32(value.length).bytes(value)
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}
