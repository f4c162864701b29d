// Dedicated-worker entry of the browser storage benchmark's limits: hash-wasm SHA-256 rates on the
// inputs sealing hashes (one label input, one 64-byte column/Merkle input) and on 1 MiB, then a
// UnixFS import of a deterministic stream with that hash, all measured here in the same run.
import { loadSha256 } from '../../shared/storage/hash.ts'
import { importFile } from '../../shared/storage/unixfs-import.ts'

const MIB = 1 << 20

addEventListener('message', async (e: MessageEvent<{ labelInput: number; importMiB: number }>) => {
  try {
    const hash = await loadSha256()
    const rate = (size: number, total: number) => {
      const buf = new Uint8Array(size).fill(3)
      const n = Math.max(4, Math.floor(total / size))
      const t0 = performance.now()
      for (let i = 0; i < n; i++) hash(buf)
      const s = (performance.now() - t0) / 1000
      return { size, hashesPerS: Math.round(n / s), mibPerS: Math.round((n * size) / MIB / s) }
    }
    const label = rate(e.data.labelInput, 32 * MIB)
    const h64 = rate(64, 16 * MIB)
    const raw = rate(MIB, 128 * MIB)
    const piece = new Uint8Array(4 * MIB).map((_, i) => (i * 31 + 7) & 255)
    function* stream(total: number) {
      for (let off = 0; off < total; off += piece.length)
        yield piece.subarray(0, Math.min(piece.length, total - off))
    }
    const t0 = performance.now()
    await importFile(stream(e.data.importMiB * MIB), undefined, { hash })
    const importMiBPerS = Math.round((e.data.importMiB * 1000) / (performance.now() - t0))
    postMessage({ ok: true, label, h64, raw, importMiB: e.data.importMiB, importMiBPerS })
  } catch (err) {
    postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) })
  }
})
