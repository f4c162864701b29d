// The client's end of `/watt/deal/1`: asks the provider where it stands, then sends the file's
// blocks in pre-order from there, about 1 MiB a request, until the provider says it holds them
// all. When the provider answers with another block index (it reloaded, or an answer was lost),
// the walk starts again from that index; leaves before it are skipped unread. A refusal or a
// dropped stream ends the push with its reason; the client tries again later and resumes.
import { preorderBlocks, takeBatch, type WalkedBlock } from '../../shared/storage/unixfs-walk.ts'
import type { PushPiece } from './client-deals.ts'
import {
  DEAL_PROTOCOL,
  type DealAnswer,
  type DealNet,
  decodeDealAnswer,
  encodeDealBlocks,
  MAX_BLOCKS_PER_REQUEST,
} from './deal-wire.ts'

const BATCH_BYTES = 1 << 20
/** Requests one push may make: a few per MiB of a piece at most, so a confused peer cannot loop. */
const MAX_REQUESTS = 4096

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
    let it: AsyncGenerator<WalkedBlock> | undefined
    const carry: WalkedBlock[] = []
    for (let n = 0; n < MAX_REQUESTS; n++) {
      if (!res.ok) return { ok: false, error: { code: res.code } }
      const a: DealAnswer = res.answer
      if (a.t === 'refused') return { ok: false, error: { code: a.code } }
      o.onProgress(a.offset, res.transport)
      if (a.done) return { ok: true, transport: res.transport }
      if (a.next !== from) {
        it = preorderBlocks(o.cid, o.getBlock, a.next)
        carry.length = 0
      }
      const blocks = (await takeBatch(it!, carry, MAX_BLOCKS_PER_REQUEST, BATCH_BYTES)).map((b) => b.bytes)
      if (blocks.length === 0) return { ok: false, error: { code: 'provider_out_of_step' } }
      res = await ask(o.peerId, { ...at, from: a.next, blocks })
      from = a.next + blocks.length
    }
    return { ok: false, error: { code: 'too_many_requests' } }
  }
}
