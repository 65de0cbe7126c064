/** UUID text ↔ its 16 bytes, for binary formats that carry ids. */
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export const uuidToBytes = (uuid: string): Uint8Array => {
  if (!uuidPattern.test(uuid)) throw new RangeError(`not a uuid: ${uuid}`)
  const hex = uuid.replace(/-/g, "")
  const out = new Uint8Array(16)
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}

export const uuidFromBytes = (bytes: Uint8Array): string => {
  if (bytes.length !== 16) throw new RangeError(`a uuid is 16 bytes, got ${bytes.length}`)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
