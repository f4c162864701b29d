// `npm run cid -- FILE`: prints the file's IPFS CID (unixfs-v1-2025 profile) without storing
// anything, like `ipfs add --only-hash`. Reads the file as a stream, so memory stays at a few
// chunks whatever its size. Exit codes: 0 ok, 2 bad usage or unreadable file.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Sha256 } from '../shared/storage/hash.ts'
import { CHUNK_SIZE, importFile } from '../shared/storage/unixfs-import.ts'

/** Native SHA-256: ~5x faster than WebAssembly on 1 MiB chunks. */
const nodeSha256: Sha256 = (...parts) => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return h.digest()
}

const main = async (args: string[]): Promise<number> => {
  const file = args[0]
  if (file === undefined || args.length !== 1) {
    console.error('usage: npm run cid -- FILE')
    return 2
  }
  try {
    const st = await stat(file)
    if (!st.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' })
  } catch (e) {
    const code = (e as { code?: string }).code ?? 'error'
    console.error(`cid: cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code})`)
    return 2
  }
  const stream = createReadStream(file, { highWaterMark: CHUNK_SIZE })
  const result = await importFile(stream as AsyncIterable<Uint8Array>, undefined, { hash: nodeSha256 })
  console.log(result.cid.toString())
  return 0
}

process.exitCode = await main(process.argv.slice(2))
