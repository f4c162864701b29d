// Reads a UnixFS file back by CID from a block getter, checking every block against its CID
// (sha2-256) and every node's declared block sizes against what its children really hold.
// Streams depth-first: memory is one block per tree level. With a `span`, only the blocks
// meeting it are read and the bytes outside it are cut (a byte range of the file).
import { decode as decodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import { bytesEqual, concatBytes } from '../util/bytes.ts'
import { fail } from '../util/errors.ts'
import { type Sha256, noble256 } from './hash.ts'
import { DAG_PB_CODEC, RAW_CODEC, SHA2_256_CODE } from './unixfs-import.ts'
import { type ByteSpan, childSpans } from './unixfs-walk.ts'

/** Fetches a block's bytes by CID, or undefined when the store does not have it. */
export type BlockGetter = (cid: CID) => Promise<Uint8Array | undefined>

export interface ExportOptions {
  readonly hash?: Sha256
  /** Largest block accepted (bitswap's limit is 2 MiB). */
  readonly maxBlockBytes?: number
  readonly maxDepth?: number
  /** Only these file bytes, [from, to) (the rest of the file is not read). */
  readonly span?: ByteSpan
}

/** The part of `bytes`, found at file offset `at`, that lies in `span`. */
const clip = (bytes: Uint8Array, at: number, span: ByteSpan | undefined): Uint8Array =>
  span ? bytes.subarray(Math.max(0, span[0] - at), Math.max(0, span[1] - at)) : bytes

/** Gets a block and proves it is the one the CID names. Throws `{code}` failures. */
export const getVerified = async (
  cid: CID,
  get: BlockGetter,
  hash: Sha256 = noble256,
  maxBlockBytes = 2 << 20,
): Promise<Uint8Array> => {
  if (cid.multihash.code !== SHA2_256_CODE) fail('unsupported_hash', { cid: cid.toString() })
  const bytes = await get(cid)
  if (bytes === undefined) return fail('missing_block', { cid: cid.toString() })
  if (bytes.length > maxBlockBytes) fail('oversized', { cid: cid.toString(), size: bytes.length })
  if (!bytesEqual(hash(bytes), cid.multihash.digest)) fail('hash_mismatch', { cid: cid.toString() })
  return bytes
}

/** Yields the file's bytes in order; throws `missing_block`, `hash_mismatch`, `bad_block`... */
export async function* exportFile(
  root: CID,
  get: BlockGetter,
  options: ExportOptions = {},
): AsyncGenerator<Uint8Array> {
  const hash = options.hash ?? noble256
  const maxBlock = options.maxBlockBytes ?? 2 << 20
  const maxDepth = options.maxDepth ?? 32
  const span = options.span

  async function* walk(
    cid: CID,
    depth: number,
    expected: bigint | null,
    at: number,
  ): AsyncGenerator<Uint8Array> {
    if (depth > maxDepth) fail('too_deep', { cid: cid.toString() })
    const bytes = await getVerified(cid, get, hash, maxBlock)
    if (cid.code === RAW_CODEC) {
      if (expected !== null && BigInt(bytes.length) !== expected) fail('bad_block', { cid: cid.toString() })
      yield clip(bytes, at, span)
      return
    }
    if (cid.code !== DAG_PB_CODEC) fail('unsupported_codec', { cid: cid.toString(), codec: cid.code })
    let node: ReturnType<typeof decodePb>
    let fs: UnixFS
    try {
      node = decodePb(bytes)
      fs = UnixFS.unmarshal(node.Data ?? new Uint8Array())
    } catch {
      return fail('bad_block', { cid: cid.toString() })
    }
    if (fs.type !== 'file' && fs.type !== 'raw') fail('not_a_file', { cid: cid.toString(), type: fs.type })
    if (expected !== null && fs.fileSize() !== expected) fail('bad_block', { cid: cid.toString() })
    const data = clip(fs.data ?? new Uint8Array(), at, span)
    if (data.length > 0) yield data
    if (node.Links.length !== fs.blockSizes.length) fail('bad_block', { cid: cid.toString() })
    const sizes = fs.blockSizes.map(Number)
    for (const c of childSpans(at, fs.data?.length ?? 0, sizes, span))
      yield* walk(node.Links[c.index]!.Hash, depth + 1, fs.blockSizes[c.index]!, c.start)
  }
  yield* walk(root, 0, null, 0)
}

/** Collects a whole file (for small files and tests). */
export const exportBytes = async (
  root: CID,
  get: BlockGetter,
  options?: ExportOptions,
): Promise<Uint8Array> => {
  const parts: Uint8Array[] = []
  for await (const p of exportFile(root, get, options)) parts.push(p)
  return concatBytes(...parts)
}
