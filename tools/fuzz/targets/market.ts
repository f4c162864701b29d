// The market's wire between nodes: a `/watt/deal/1` request as a provider's node receives it
// (decoded, then taken by the real receiver, which checks every block against a sample deal's
// CID before writing), and the answer as a client's node reads it. Seeds are the sample file's
// blocks in requests from the first block and from the middle.
import { decode as decodePb } from '@ipld/dag-pb'
import * as fc from 'fast-check'
import { CID } from 'multiformats/cid'
import type { PieceReceiverState } from '../../../shared/market/piece-receiver.ts'
import { noble256 } from '../../../shared/storage/hash.ts'
import { DAG_PB_CODEC, importFile } from '../../../shared/storage/unixfs-import.ts'
import { createDealReceiver } from '../../../worker/market/deal-receive.ts'
import {
  decodeDealAnswer,
  decodeDealBlocks,
  encodeDealAnswer,
  encodeDealBlocks,
} from '../../../worker/market/deal-wire.ts'
import { decoderTarget, type Target } from '../target.ts'

const SIZE = 1000
const sample = async () => {
  const order: Uint8Array[] = []
  const byCid = new Map<string, Uint8Array>()
  const data = Uint8Array.from({ length: SIZE }, (_, i) => (i * 7) & 255)
  const r = await importFile([data], (b) => void byCid.set(b.cid.toString(), b.bytes), {
    chunkSize: 64,
    maxLinks: 4,
  })
  const walk = async (cid: string) => {
    const b = byCid.get(cid)!
    order.push(b)
    if (CID.parse(cid).code === DAG_PB_CODEC) for (const l of decodePb(b).Links) await walk(l.Hash.toString())
  }
  await walk(r.cid.toString())
  return { root: r.cid.toString(), order }
}
const file = await sample()

/** A provider's receiver over a fresh in-memory sector for each input. */
const receive = (bytes: Uint8Array) => {
  const sector = new Uint8Array(SIZE)
  let saved: PieceReceiverState | undefined
  const receiver = createDealReceiver({
    hash: () => noble256,
    hooks: {
      expect: async (deal) =>
        deal === 1
          ? { cid: file.root, size: SIZE, ...(saved ? { receiver: saved } : {}) }
          : { code: 'unknown_deal' },
      write: async (_d, _r, offset, b) => {
        if (offset + b.length > SIZE) throw new Error(`write past the piece: ${offset}+${b.length}`)
        sector.set(b, offset)
      },
      keep: async () => {},
      save: async (_d, _r, s) => {
        saved = s
      },
      done: async () => {},
    },
  })
  return receiver.onRequest({ peerId: 'fuzz', data: bytes }).then((answer) => {
    if (!decodeDealAnswer(answer)) throw new Error('the receiver answered something its peers cannot read')
    return answer
  })
}

const dealRequest: Target<Uint8Array> = {
  name: 'deal-request',
  about: "a /watt/deal/1 request a provider's node receives: decoded, then its blocks checked and written",
  kind: 'bytes',
  cbor: true,
  seeds: () => [
    encodeDealBlocks({ deal: 1, replica: 0, from: 0, blocks: file.order.slice(0, 4) }),
    encodeDealBlocks({ deal: 1, replica: 0, from: 0, blocks: [] }),
    encodeDealBlocks({ deal: 1, replica: 0, from: 3, blocks: file.order.slice(3, 9) }),
  ],
  vocabulary: { keys: ['t', 'deal', 'replica', 'from', 'blocks'], strings: ['blocks'] },
  arbitrary: fc.oneof(
    fc
      .record({
        deal: fc.nat(3),
        from: fc.nat(20),
        picks: fc.array(fc.nat(file.order.length - 1), { maxLength: 8 }),
      })
      .map(({ deal, from, picks }) =>
        encodeDealBlocks({ deal, replica: 0, from, blocks: picks.map((i) => file.order[i]!) }),
      ),
    fc.uint8Array({ maxLength: 400 }),
  ),
  run: (bytes) => {
    decodeDealBlocks(bytes)
    return receive(bytes)
  },
}

const dealAnswer = decoderTarget({
  name: 'deal-answer',
  about: "a provider's answer to a /watt/deal/1 request, as the client's node decodes it",
  seeds: () => [
    encodeDealAnswer({ t: 'at', next: 3, offset: 192, done: false }),
    encodeDealAnswer({ t: 'refused', code: 'hash_mismatch' }),
  ],
  vocabulary: { keys: ['t', 'next', 'offset', 'done', 'code'], strings: ['at', 'refused', 'busy'] },
  maxLength: 120,
  decode: decodeDealAnswer,
})

export const marketTargets: readonly Target[] = [dealRequest, dealAnswer]
