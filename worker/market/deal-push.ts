// The client's end of `/watt/deal/1`: asks the provider where it stands, then sends the file's
// blocks in pre-order from there, about 1 MiB a request, until the provider says it holds them
// all. When the provider answers with another block index (it reloaded, or an answer was lost),
// the walk starts again from that index; leaves before it are skipped unread. A refusal or a
// dropped stream ends the push with its reason; the client tries again later and resumes.
import { decode as decodePb } from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import type { PushPiece } from './client-deals.ts'
import {
  DEAL_PROTOCOL,
  type DealAnswer,
  type DealNet,
  decodeDealAnswer,
  encodeDealBlocks,
  MAX_BLOCKS_PER_REQUEST,
} from './deal-wire.ts'

const DAG_PB_CODEC = 0x70
const BATCH_BYTES = 1 << 20
/** Requests one push may make: a few per MiB of a piece at most, so a confused peer cannot loop. */
const MAX_REQUESTS = 4096

type GetBlock = (cid: string) => Promise<Uint8Array>

/** The file's blocks in pre-order from block `skip` on (skipped leaves are not read). */
async function* blocksFrom(root: string, get: GetBlock, skip: number): AsyncGenerator<Uint8Array> {
  const stack = [CID.parse(root)]
  for (let i = 0; stack.length > 0; i++) {
    const cid = stack.pop()!
    if (cid.code !== DAG_PB_CODEC) {
      if (i >= skip) yield await get(cid.toString())
      continue
    }
    const bytes = await get(cid.toString())
    if (i >= skip) yield bytes
    for (const l of [...decodePb(bytes).Links].reverse()) stack.push(l.Hash)
  }
}

/** The next request's blocks: at least one, then as many as fit in a batch. */
const nextBatch = async (it: AsyncGenerator<Uint8Array>, carry: Uint8Array[]) => {
  const batch: Uint8Array[] = []
  let bytes = 0
  while (batch.length < MAX_BLOCKS_PER_REQUEST) {
    const b = carry.pop() ?? (await it.next()).value
    if (!b) break
    if (batch.length > 0 && bytes + b.length > BATCH_BYTES) {
      carry.push(b)
      break
    }
    batch.push(b)
    bytes += b.length
  }
  return batch
}

export const createDealPusher = (net: DealNet): PushPiece => {
  const ask = async (peerId: string, m: Parameters<typeof encodeDealBlocks>[0]) => {
    const res = await net.request(peerId, DEAL_PROTOCOL, encodeDealBlocks(m))
    if (!res.ok)
      return {
        ok: false as const,
        code: res.error.startsWith('no_direct') ? 'no_connection' : 'stream_failed',
      }
    const a = decodeDealAnswer(res.data)
    return a
      ? { ok: true as const, answer: a, transport: res.transport }
      : { ok: false as const, code: 'bad_answer' }
  }

  return async (o) => {
    const at = { deal: o.deal, replica: o.replica }
    let res = await ask(o.peerId, { ...at, from: 0, blocks: [] })
    let from = -1
    let it: AsyncGenerator<Uint8Array> | undefined
    const carry: Uint8Array[] = []
    for (let n = 0; n < MAX_REQUESTS; n++) {
      if (!res.ok) return { ok: false, error: { code: res.code } }
      const a: DealAnswer = res.answer
      if (a.t === 'refused') return { ok: false, error: { code: a.code } }
      o.onProgress(a.offset, res.transport)
      if (a.done) return { ok: true, transport: res.transport }
      if (a.next !== from) {
        it = blocksFrom(o.cid, o.getBlock, a.next)
        carry.length = 0
      }
      const blocks = await nextBatch(it!, carry)
      if (blocks.length === 0) return { ok: false, error: { code: 'provider_out_of_step' } }
      res = await ask(o.peerId, { ...at, from: a.next, blocks })
      from = a.next + blocks.length
    }
    return { ok: false, error: { code: 'too_many_requests' } }
  }
}
