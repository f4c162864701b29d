// For tests: files imported by the reference implementation (ipfs-unixfs-importer) with the
// unixfs-v1-2025 profile's options (CIDv1, raw leaves, fixed chunks, balanced tree), so that
// what our code reads or checks was not made by our own importer.
import { BlackHoleBlockstore, MemoryBlockstore } from 'blockstore-core'
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { CID } from 'multiformats/cid'

type Source = AsyncIterable<Uint8Array> | Iterable<Uint8Array>

const importRoot = async (
  content: Source,
  store: BlackHoleBlockstore | MemoryBlockstore,
  chunk: number,
  links: number,
) => {
  const opts = {
    cidVersion: 1 as const,
    rawLeaves: true,
    chunker: fixedSize({ chunkSize: chunk }),
    layout: balanced({ maxChildrenPerNode: links }),
    reduceSingleLeafToSelf: true,
  }
  let root: CID | undefined
  for await (const entry of importer([{ content }], store, opts)) root = entry.cid
  return root!
}

/** The reference root CID of a stream, keeping no blocks. */
export const referenceCid = async (content: Source, chunk: number, links: number): Promise<string> =>
  (await importRoot(content, new BlackHoleBlockstore(), chunk, links)).toString()

/** The reference blocks of `bytes`: its root and a getter by CID (`reads` lists what was read). */
export const referenceBlocks = async (bytes: Uint8Array, chunk: number, links: number) => {
  const store = new MemoryBlockstore()
  const root = await importRoot([bytes], store, chunk, links)
  const reads: string[] = []
  const get = async (cid: CID | string): Promise<Uint8Array> => {
    reads.push(cid.toString())
    const parts: Uint8Array[] = []
    for await (const p of store.get(typeof cid === 'string' ? CID.parse(cid) : cid)) parts.push(p)
    return Uint8Array.from(Buffer.concat(parts))
  }
  return { root, get, reads }
}
