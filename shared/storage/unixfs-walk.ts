// The order UnixFS blocks travel in between nodes, shared by the deal push (`/watt/deal/1`), the
// retrieval server (`/watt/retrieve/1`), the receivers that check them and the file export: a
// node, then its children left to right (pre-order), optionally only the children whose bytes
// meet a span of the file. Sender and checker prune with the same function, so block `i` of a
// walk is block `i` of the check on both sides, and a walk resumes at any index by skipping
// leaves unread (only the small dag-pb nodes before it are read again).
import { decode as decodePb } from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { DAG_PB_CODEC, RAW_CODEC } from './unixfs-import.ts'

/** A half-open span of file bytes, [from, to). */
export type ByteSpan = readonly [from: number, to: number]

/** A child of a node: its index among the links, its first file byte and its bytes. */
export interface ChildSpan {
  readonly index: number
  readonly start: number
  readonly size: number
}

/** Whether `size` bytes at `start` meet `span` (everything meets no span). */
export const meets = (start: number, size: number, span: ByteSpan | undefined): boolean =>
  span === undefined || (size > 0 && start < span[1] && start + size > span[0])

/** The children of a node whose file bytes begin at `start`, kept where they meet `span`. */
export const childSpans = (
  start: number,
  dataLength: number,
  sizes: readonly number[],
  span?: ByteSpan,
): ChildSpan[] => {
  const out: ChildSpan[] = []
  let at = start + dataLength
  sizes.forEach((size, index) => {
    if (meets(at, size, span)) out.push({ index, start: at, size })
    at += size
  })
  return out
}

/** The file size a verified root block declares: a raw leaf's length, a node's `fileSize`. */
export const declaredSize = (cid: CID, bytes: Uint8Array): number | undefined => {
  if (cid.code === RAW_CODEC) return bytes.length
  if (cid.code !== DAG_PB_CODEC) return undefined
  try {
    return Number(UnixFS.unmarshal(decodePb(bytes).Data ?? new Uint8Array()).fileSize())
  } catch {
    return undefined
  }
}

export interface WalkedBlock {
  readonly cid: string
  readonly bytes: Uint8Array
  /** No block follows in this walk. */
  readonly last: boolean
}

type GetBlock = (cid: string) => Promise<Uint8Array>
type Pending = readonly [cid: CID, start: number]

/** A node's children to walk next, with their starts (the UnixFS sizes are read only for a span). */
const linksOf = (bytes: Uint8Array, start: number, span: ByteSpan | undefined): Pending[] => {
  const node = decodePb(bytes)
  if (!span) return node.Links.map((l): Pending => [l.Hash, 0])
  const fs = UnixFS.unmarshal(node.Data ?? new Uint8Array())
  return childSpans(start, fs.data?.length ?? 0, fs.blockSizes.map(Number), span).map(
    (c): Pending => [node.Links[c.index]!.Hash, c.start],
  )
}

/** The file's blocks in pre-order from block `skip` on, pruned to `span`; skipped leaves are not read. */
export async function* preorderBlocks(
  root: string,
  get: GetBlock,
  skip = 0,
  span?: ByteSpan,
): AsyncGenerator<WalkedBlock> {
  const stack: Pending[] = [[CID.parse(root), 0]]
  for (let i = 0; stack.length > 0; i++) {
    const [cid, start] = stack.pop()!
    const text = cid.toString()
    if (cid.code !== DAG_PB_CODEC) {
      if (i >= skip) yield { cid: text, bytes: await get(text), last: stack.length === 0 }
      continue
    }
    const bytes = await get(text)
    for (const l of linksOf(bytes, start, span).reverse()) stack.push(l)
    if (i >= skip) yield { cid: text, bytes, last: stack.length === 0 }
  }
}

/** The next message's blocks: at least one, then as many as fit in `maxBytes` and `maxBlocks`. */
export const takeBatch = async (
  it: AsyncIterator<WalkedBlock>,
  carry: WalkedBlock[],
  maxBlocks: number,
  maxBytes: number,
): Promise<WalkedBlock[]> => {
  const batch: WalkedBlock[] = []
  let bytes = 0
  while (batch.length < maxBlocks) {
    const b = carry.pop() ?? (await it.next()).value
    if (!b) break
    if (batch.length > 0 && bytes + b.bytes.length > maxBytes) {
      carry.push(b)
      break
    }
    batch.push(b)
    bytes += b.bytes.length
  }
  return batch
}
