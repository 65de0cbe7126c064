// Draws the app icon (a white "Q" ring on indigo) as PNGs, so the repository needs no image tools.
import { writeFileSync } from "node:fs"
import { deflateSync } from "node:zlib"

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type, data) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

const draw = (size, maskable) => {
  const raw = Buffer.alloc((size * 4 + 1) * size)
  const c = size / 2
  const outer = size * (maskable ? 0.3 : 0.36)
  const inner = outer * 0.62
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c)
      const tail = x > c && y > c && Math.abs(x - y) < size * 0.05 && d < outer * 1.35 && d > inner
      const ring = d <= outer && d >= inner
      const corner = maskable ? true : Math.max(Math.abs(x - c), Math.abs(y - c)) < size * 0.46
      const white = ring || tail
      const o = y * (size * 4 + 1) + 1 + x * 4
      if (!corner) continue
      raw[o] = white ? 255 : 67
      raw[o + 1] = white ? 255 : 56
      raw[o + 2] = white ? 255 : 202
      raw[o + 3] = 255
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(size, 0)
  header.writeUInt32BE(size, 4)
  header[8] = 8
  header[9] = 6
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0))
  ])
}

writeFileSync("public/icons/icon-192.png", draw(192, false))
writeFileSync("public/icons/icon-512.png", draw(512, false))
writeFileSync("public/icons/maskable-512.png", draw(512, true))
writeFileSync("public/icons/apple-touch-icon.png", draw(180, true))
