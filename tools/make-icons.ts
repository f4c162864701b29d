// Renders the app icons (a yellow bolt on a dark rounded square) as PNG without any image
// library, so the icons are reproducible from source: `node tools/make-icons.ts`.
import { writeFileSync } from 'node:fs'
import { deflateSync } from 'node:zlib'

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
const crc32 = (buf: Buffer) => {
  let c = 0xffffffff
  for (const b of buf) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
const chunk = (type: string, data: Buffer) => {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

// bolt outline in unit coordinates
const BOLT: Array<[number, number]> = [
  [0.56, 0.12],
  [0.28, 0.56],
  [0.47, 0.56],
  [0.4, 0.88],
  [0.72, 0.42],
  [0.53, 0.42],
  [0.62, 0.12],
]
const inside = (x: number, y: number, poly: Array<[number, number]>) => {
  let c = false
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i]!
    const [xj, yj] = poly[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c
  }
  return c
}

const render = (size: number, maskable: boolean) => {
  const rows: Buffer[] = []
  const r = maskable ? 0 : size * 0.2
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4)
    for (let x = 0; x < size; x++) {
      const dx = Math.max(r - x, 0, x - (size - 1 - r))
      const dy = Math.max(r - y, 0, y - (size - 1 - r))
      const inCorner = dx * dx + dy * dy > r * r
      const bolt = inside((x + 0.5) / size, (y + 0.5) / size, BOLT)
      const px = inCorner ? [0, 0, 0, 0] : bolt ? [245, 197, 66, 255] : [15, 23, 32, 255]
      row.set(px, 1 + x * 4)
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr.set([8, 6, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

for (const size of [192, 512]) writeFileSync(`web/public/icons/icon-${size}.png`, render(size, false))
writeFileSync('web/public/icons/maskable-512.png', render(512, true))
