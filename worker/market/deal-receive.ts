// The provider's end of `/watt/deal/1`: every block is checked against the deal's CID as it
// arrives (shared/market/piece-receiver.ts) before its bytes reach the sector; the receiver's
// state is saved after each request, so a client that comes back, or this node after a reload,
// goes on from the block where it stopped. Bounded: one request at a time per replica and a few
// per peer, each at most ~1 MiB, so a peer cannot fill memory or starve the others. The deal's
// dag-pb nodes (small) are kept in the block store, its leaves only in the sector: with both, the
// provider serves the deal's CID to `/watt/retrieve/1` (worker/retrieval/block-source.ts).
import {
  type PieceReceiverState,
  receiveBlock,
  receiverDone,
  startReceiver,
} from '../../shared/market/piece-receiver.ts'
import { CID } from 'multiformats/cid'
import type { Sha256 } from '../../shared/storage/hash.ts'
import { DAG_PB_CODEC } from '../../shared/storage/unixfs-import.ts'
import { toWattError } from '../../shared/util/errors.ts'
import { type DealAnswer, type DealBlocks, decodeDealBlocks, encodeDealAnswer } from './deal-wire.ts'
import type { ReceiverHooks } from './provider-deals.ts'

/** Requests one peer may have in progress at once. */
export const MAX_REQUESTS_PER_PEER = 2

interface ReceiveDeps {
  readonly hooks: ReceiverHooks
  readonly hash: () => Sha256
}

export const createDealReceiver = (d: ReceiveDeps) => {
  const perPeer = new Map<string, number>()
  const replicas = new Set<string>()

  /** Takes the batch's blocks in order; stops at the first refused one (what came before stays). */
  const take = async (m: DealBlocks, start: PieceReceiverState): Promise<DealAnswer> => {
    let s = start
    let refused: string | undefined
    for (const bytes of m.blocks) {
      const r = receiveBlock(s, bytes, d.hash())
      if (!r.ok) {
        refused = r.error.code
        break
      }
      const cid = s.pending.at(-1)![0]
      if (CID.parse(cid).code === DAG_PB_CODEC) await d.hooks.keep(m.deal, m.replica, cid, bytes)
      if (r.value.data.length > 0) await d.hooks.write(m.deal, m.replica, s.offset, r.value.data)
      s = r.value.state
    }
    if (s !== start) await d.hooks.save(m.deal, m.replica, s)
    if (refused) return { t: 'refused', code: refused }
    const done = receiverDone(s)
    if (done) await d.hooks.done(m.deal, m.replica)
    return { t: 'at', next: s.blocks, offset: s.offset, done }
  }

  const answer = async (m: DealBlocks): Promise<DealAnswer> => {
    const e = await d.hooks.expect(m.deal, m.replica)
    if ('code' in e) return { t: 'refused', code: e.code }
    const s = e.receiver ?? startReceiver(e.cid, e.size)
    // a client out of step (it resent, or this node reloaded) is told where to go on from
    if (receiverDone(s) || m.from !== s.blocks || m.blocks.length === 0)
      return { t: 'at', next: s.blocks, offset: s.offset, done: receiverDone(s) }
    return take(m, s)
  }

  const onRequest = async (req: { peerId: string; data: Uint8Array }): Promise<Uint8Array> => {
    const m = decodeDealBlocks(req.data)
    if (!m) return encodeDealAnswer({ t: 'refused', code: 'bad_message' })
    const key = `${m.deal}/${m.replica}`
    const n = perPeer.get(req.peerId) ?? 0
    if (n >= MAX_REQUESTS_PER_PEER || replicas.has(key))
      return encodeDealAnswer({ t: 'refused', code: 'busy' })
    perPeer.set(req.peerId, n + 1)
    replicas.add(key)
    try {
      return encodeDealAnswer(await answer(m))
    } catch (e) {
      return encodeDealAnswer({ t: 'refused', code: toWattError(e).code.slice(0, 64) })
    } finally {
      replicas.delete(key)
      const left = (perPeer.get(req.peerId) ?? 1) - 1
      if (left > 0) perPeer.set(req.peerId, left)
      else perPeer.delete(req.peerId)
    }
  }

  return { onRequest }
}
