// The gateway's checked fetch: the blocks of a CID's DAG in pre-order (the order of
// `/watt/retrieve/1` and of the CAR it streams), each checked before it is handed on: it must hash
// to the CID expected next and fit the UnixFS sizes its parent declared (the deal receiver's check,
// shared/market/piece-receiver.ts, as the node's own fetcher uses it). A peer whose block fails is
// dropped and the walk resumes from that block with another (gateway-peers.ts). A raw block
// request checks only the hash. Blocks are handed on one at a time, so memory is one answer.
import {
  MAX_DEAL_BLOCK_BYTES,
  receiveBlock,
  receiverDone,
  startReceiver,
  UNKNOWN_SIZE,
} from '../shared/market/piece-receiver.ts'
import { bytesEqual } from '../shared/util/bytes.ts'
import { CID } from 'multiformats/cid'
import type { Answered, PeerSource } from './gateway-peers.ts'

type Sha256 = (bytes: Uint8Array) => Uint8Array

export interface DagHooks {
  /** The root passed its check: false stops the walk (`stopped`), e.g. when it declares too much. */
  root(bytes: Uint8Array): boolean
  /** A checked block, in pre-order; the walk waits for it (back-pressure). */
  block(cid: CID, bytes: Uint8Array): Promise<void>
}

export type WalkOutcome =
  | { readonly ok: true; readonly blocks: number }
  | {
      readonly ok: false
      readonly code: Extract<Answered, { ok: false }>['code'] | 'stopped' | 'too_many_blocks'
    }

/** The block's bytes hash to the CID (sha2-256) and are not larger than a block may be. */
export const hashMatches = (cid: CID, bytes: Uint8Array, hash: Sha256): boolean =>
  cid.multihash.code === 0x12 &&
  bytes.length <= MAX_DEAL_BLOCK_BYTES &&
  bytesEqual(hash(bytes), cid.multihash.digest)

/** Walks `cid`'s DAG through `src`, handing each checked block to `hooks`; `firstBlock` bounds the root. */
export const walkDag = async (
  src: PeerSource,
  cid: CID,
  hash: Sha256,
  hooks: DagHooks,
  o: { readonly maxBlocks: number; readonly firstBlock: AbortSignal },
): Promise<WalkOutcome> => {
  let state = startReceiver(cid.toString(), UNKNOWN_SIZE)
  while (!receiverDone(state)) {
    if (state.blocks >= o.maxBlocks) return { ok: false, code: 'too_many_blocks' }
    const at = state
    const a = await src.answer(
      { cid: cid.toString(), from: at.blocks },
      (b) => receiveBlock(at, b, hash).ok,
      at.blocks === 0 ? o.firstBlock : undefined,
    )
    if (!a.ok) return a
    for (const bytes of a.blocks) {
      if (receiverDone(state) || state.blocks >= o.maxBlocks) break
      const r = receiveBlock(state, bytes, hash)
      if (!r.ok) {
        src.drop(a.peer)
        break
      }
      if (state.blocks === 0 && !hooks.root(bytes)) return { ok: false, code: 'stopped' }
      await hooks.block(CID.parse(state.pending.at(-1)![0]), bytes)
      state = r.value.state
    }
  }
  return { ok: true, blocks: state.blocks }
}

/** The one block `cid` names, its hash checked: the first block of a walk pruned to byte 0. */
export const fetchBlock = async (
  src: PeerSource,
  cid: CID,
  hash: Sha256,
  firstBlock: AbortSignal,
): Promise<{ ok: true; bytes: Uint8Array } | Extract<Answered, { ok: false }>> => {
  const a = await src.answer(
    { cid: cid.toString(), from: 0, range: { offset: 0, length: 1 } },
    (b) => hashMatches(cid, b, hash),
    firstBlock,
  )
  return a.ok ? { ok: true, bytes: a.blocks[0]! } : a
}
