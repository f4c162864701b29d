// A QR code as an inline SVG (dark modules on a white quiet zone), from the `qr` encoder's
// module matrix (which includes a 2-module quiet zone: `qr` rejects border 0). Rows are drawn as
// horizontal runs: one path, small DOM.
import { encodeQR } from 'qr'

/** The module matrix (true = dark) of `text`'s QR code, quiet zone included. */
export const qrModules = (text: string): boolean[][] => encodeQR(text, 'raw', { ecc: 'medium', border: 2 })

export const MineQr = ({ text, size = 168, testid }: { text: string; size?: number; testid?: string }) => {
  const m = qrModules(text)
  const n = m.length
  let d = ''
  m.forEach((row, y) => {
    let x = 0
    while (x < n) {
      if (!row[x]) {
        x++
        continue
      }
      const start = x
      while (x < n && row[x]) x++
      d += `M${start} ${y}h${x - start}v1h${start - x}z`
    }
  })
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      data-testid={testid}
      viewBox={`0 0 ${n} ${n}`}
      width={size}
      height={size}
      role="img"
      aria-label="QR code"
      style="background:#fff;border-radius:8px;display:block"
      shape-rendering="crispEdges"
    >
      <path d={d} fill="#111" />
    </svg>
  )
}
