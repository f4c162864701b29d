// The serving end of `/watt/retrieve/1`: a request is admitted (the payment hook, or any policy
// handed in), then answered with the next blocks of the CID's walk in pre-order, from the index
// asked, pruned to the byte range asked (shared/storage/unixfs-walk.ts: the same walk the deal
// push sends). No state is kept between requests beyond a byte counter per peer for the payment
// layer. Bounded: a few requests per peer and in all at once, about 1 MiB an answer. An `ask` is
// answered with the payment layer's terms, a `pay` hands it a voucher; what each answer carried is
// told to it (`served`), so it can ask to be paid for it.
import { decode as decodePb } from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { MAX_DEAL_BLOCK_BYTES } from '../../shared/market/piece-receiver.ts'
import { BoundedMap } from '../../shared/node/bounded-map.ts'
import { DAG_PB_CODEC, RAW_CODEC } from '../../shared/storage/unixfs-import.ts'
import { preorderBlocks, takeBatch } from '../../shared/storage/unixfs-walk.ts'
import { toWattError } from '../../shared/util/errors.ts'
import { type Admission, freeServer, type ServerPayments } from './payments.ts'
import {
  ANSWER_BATCH_BYTES,
  decodeRetrieveRequest,
  encodeRetrieveAnswer,
  MAX_BLOCKS_PER_ANSWER,
  type RetrieveAnswer,
  type RetrieveRequest,
  type RetrieveMessage,
  refused,
  spanOf,
} from './retrieve-wire.ts'

/** Requests one peer may have in progress at once, and all peers together. */
export const MAX_REQUESTS_PER_PEER = 2
export const MAX_REQUESTS_SERVING = 16
/** Peers whose served bytes are counted (the least recently first-served is forgotten first). */
export const MAX_COUNTED_PEERS = 1024

export interface RetrievalServerDeps {
  /** A block of this node's store by CID, undefined when it has none. */
  readonly getBlock: (cid: string) => Promise<Uint8Array | undefined>
  readonly payments?: ServerPayments
  /** Admits a request (default: the payment layer's `accept` of its voucher). */
  readonly admit?: (peer: string, request: RetrieveRequest, bytesServed: number) => Promise<Admission>
  /** Whether this node serves `cid` at all (cache-policy.ts); one it does not is `not_found`. */
  readonly serves?: (cid: string) => boolean
}

export const createRetrievalServer = (d: RetrievalServerDeps) => {
  const payments = d.payments ?? freeServer
  const admit = d.admit ?? ((peer, r) => payments.accept(peer, r.cid, r.voucher))
  const perPeer = new Map<string, number>()
  const served = new BoundedMap<string, number>(MAX_COUNTED_PEERS)
  let serving = 0
  let total = 0

  const walk = async (m: RetrieveRequest): Promise<RetrieveAnswer> => {
    const root = d.serves && !d.serves(m.cid) ? undefined : await d.getBlock(m.cid)
    if (!root) return refused('not_found')
    const get = async (cid: string) =>
      (cid === m.cid ? root : await d.getBlock(cid)) ?? Promise.reject({ code: 'missing_block' })
    const it = preorderBlocks(m.cid, get, m.from, spanOf(m.range))
    const batch = await takeBatch(it, [], MAX_BLOCKS_PER_ANSWER, ANSWER_BATCH_BYTES)
    if (batch.some((b) => b.bytes.length > MAX_DEAL_BLOCK_BYTES)) return refused('too_large')
    const blocks = batch.map((b) => b.bytes)
    return { t: 'blocks', blocks, next: m.from + blocks.length, done: batch.at(-1)?.last ?? true }
  }

  const answer = async (peer: string, m: RetrieveRequest): Promise<RetrieveAnswer> => {
    const before = served.get(peer) ?? 0
    const a = await admit(peer, m, before)
    if (!a.ok) return refused(a.code)
    const res = await walk(m)
    if (res.t !== 'blocks') return res
    const sent = res.blocks.reduce((n, b) => n + b.length, 0)
    served.set(peer, before + sent)
    total += sent
    payments.served(peer, m.cid, sent)
    return res
  }

  const reply = async (peer: string, m: RetrieveMessage): Promise<RetrieveAnswer> => {
    if (m.t === 'get') return answer(peer, m)
    if (m.t === 'pay') {
      const a = await payments.accept(peer, undefined, m.voucher)
      return a.ok ? { t: 'paid' } : refused(a.code)
    }
    const ask = await payments.ask(peer, m.cid)
    const size = ask.size ?? (await dagBytesOf(m.cid))
    return {
      t: 'ask',
      pricePerByte: ask.pricePerByte.toString(),
      interval: ask.interval,
      ...(ask.payee ? { payee: ask.payee } : {}),
      ...(size !== undefined ? { size } : {}),
    }
  }

  /** The DAG's blocks' bytes from its root alone: a raw block's length, or a node's plus its links' Tsize. */
  const dagBytesOf = async (cid: string): Promise<number | undefined> => {
    const root = d.serves && !d.serves(cid) ? undefined : await d.getBlock(cid)
    if (!root) return undefined
    const c = CID.parse(cid)
    if (c.code === RAW_CODEC) return root.length
    if (c.code !== DAG_PB_CODEC) return undefined
    const links = decodePb(root).Links
    if (links.some((l) => l.Tsize === undefined)) return undefined
    return links.reduce((n, l) => n + l.Tsize!, root.length)
  }

  const onRequest = async (req: { peerId: string; data: Uint8Array }): Promise<Uint8Array> => {
    const m = decodeRetrieveRequest(req.data)
    if (!m) return encodeRetrieveAnswer(refused('bad_message'))
    const n = perPeer.get(req.peerId) ?? 0
    if (n >= MAX_REQUESTS_PER_PEER || serving >= MAX_REQUESTS_SERVING)
      return encodeRetrieveAnswer(refused('busy'))
    perPeer.set(req.peerId, n + 1)
    serving++
    try {
      return encodeRetrieveAnswer(await reply(req.peerId, m))
    } catch (e) {
      return encodeRetrieveAnswer(refused(toWattError(e).code))
    } finally {
      serving--
      const left = (perPeer.get(req.peerId) ?? 1) - 1
      if (left > 0) perPeer.set(req.peerId, left)
      else perPeer.delete(req.peerId)
    }
  }

  return { onRequest, served: (peer: string) => served.get(peer) ?? 0, bytesServed: () => total }
}
