// One subtree of a fetch against one server (the fetcher, fetcher.ts, shares the subtrees out):
// ask for its blocks from where the task stands, check each against the CID expected next and
// the sizes its parent declared (shared/market/piece-receiver.ts, the deal receiver's check)
// BEFORE it is written to the local store or counted as verified for that server, and go on until
// the subtree is whole. Any fault ends the task with a typed reason and its state where the last
// good block left it, so another server resumes it; blocks already in the local store are taken
// from there first (a fetch started again does not fetch them twice).
import {
  type PieceReceiverState,
  receiveBlock,
  receiverDone,
  startReceiver,
} from '../../shared/market/piece-receiver.ts'
import type { Sha256 } from '../../shared/storage/hash.ts'
import type { ByteSpan } from '../../shared/storage/unixfs-walk.ts'
import type { PeerStreams } from '../core/core-streams.ts'
import type { PaymentSession } from './payments.ts'
import {
  decodeRetrieveAnswer,
  encodeRetrieveRequest,
  RETRIEVE_PROTOCOL,
  type RetrieveAnswer,
} from './retrieve-wire.ts'

/** A subtree to fetch: its CID, its file bytes, and the span of them wanted (relative to it). */
export interface FetchTask {
  readonly cid: string
  readonly size: number
  readonly span?: ByteSpan
  state: PieceReceiverState
}

export const newTask = (cid: string, size: number, span?: ByteSpan): FetchTask => ({
  cid,
  size,
  ...(span ? { span } : {}),
  state: startReceiver(cid, size, span),
})

export interface TaskContext {
  readonly net: PeerStreams
  readonly hash: Sha256
  readonly payments: PaymentSession
  readonly stallMs: number
  readonly putBlock: (cid: string, bytes: Uint8Array) => Promise<void>
  readonly getLocal: (cid: string) => Promise<Uint8Array | undefined>
  /** Bytes verified from `server` so far in this fetch (what its vouchers pay for). */
  readonly verified: (server: string) => number
  /** A block passed its check: `blockBytes` from `server` (undefined: the local store), `fileBytes` wanted. */
  readonly credit: (server: string | undefined, blockBytes: number, fileBytes: number) => void
  /** Requests kept in flight to `server`: 2 to a free one, 1 to one whose vouchers must keep up. */
  readonly depth: (server: string) => number
  /** The fetch has taken as many blocks as it may. */
  readonly exhausted: () => boolean
}

export type TaskFault =
  | 'bad_block'
  | 'stalled'
  | 'no_connection'
  | 'stream_failed'
  | 'bad_answer'
  | 'short_answer'
  | 'refused'
  | 'too_many_blocks'

export type TaskOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: TaskFault; readonly reason?: string; readonly block?: number }

const OK: TaskOutcome = { ok: true }

/** The file bytes a block just taken carries that lie in the task's span. */
const wantedBytes = (t: FetchTask, after: PieceReceiverState, data: Uint8Array): number => {
  if (!t.span) return data.length
  const from = after.offset - data.length
  return Math.max(0, Math.min(t.span[1], after.offset) - Math.max(t.span[0], from))
}

/** Checks `bytes` as the task's next block and credits it only if it passes; its CID, or the fault. */
const take = (c: TaskContext, t: FetchTask, bytes: Uint8Array, server?: string) => {
  const r = receiveBlock(t.state, bytes, c.hash)
  if (!r.ok) return { bad: r.error.code }
  // a block was expected (else receiveBlock said `complete`): this is its CID
  const cid = t.state.pending.at(-1)![0]
  c.credit(server, bytes.length, wantedBytes(t, r.value.state, r.value.data))
  t.state = r.value.state
  return { cid }
}

/** Goes on with the blocks the local store already holds. */
export const fromLocal = async (c: TaskContext, t: FetchTask): Promise<void> => {
  while (!receiverDone(t.state)) {
    const local = await c.getLocal(t.state.pending.at(-1)![0])
    if (!local || take(c, t, local).bad !== undefined) return
  }
}

const timeout = (ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const p = new Promise<'stalled'>((r) => (timer = setTimeout(() => r('stalled'), ms)))
  return { p, cancel: () => clearTimeout(timer) }
}

type Fault = Extract<TaskOutcome, { ok: false }>

/** One request to `server` and its answer, decoded; a refusal, a stall or junk is a fault. */
export const exchange = async (
  c: Pick<TaskContext, 'net' | 'stallMs'>,
  server: string,
  req: Uint8Array,
): Promise<Exclude<RetrieveAnswer, { t: 'refused' }> | Fault> => {
  const stall = timeout(c.stallMs)
  const res = await Promise.race([c.net.request(server, RETRIEVE_PROTOCOL, req), stall.p])
  stall.cancel()
  if (res === 'stalled') return { ok: false, code: 'stalled' }
  if (!res.ok)
    return { ok: false, code: res.error.startsWith('no_direct') ? 'no_connection' : 'stream_failed' }
  const a = decodeRetrieveAnswer(res.data)
  if (!a) return { ok: false, code: 'bad_answer' }
  return a.t === 'refused' ? { ok: false, code: 'refused', reason: a.code } : a
}

type Answer = Awaited<ReturnType<typeof exchange>>

/** Asks `server` for the task's blocks from walk index `from`, with a voucher for what it verified. */
const ask = async (c: TaskContext, server: string, t: FetchTask, from: number): Promise<Answer> => {
  const voucher = await c.payments.voucherFor(server, c.verified(server))
  const range = t.span && { offset: t.span[0], length: t.span[1] - t.span[0] }
  return exchange(c, server, encodeRetrieveRequest({ cid: t.cid, from, range, voucher }))
}

/** Checks an answer's blocks in order (each credited as it passes): the CIDs of those before the first fault. */
const check = (c: TaskContext, server: string, t: FetchTask, blocks: readonly Uint8Array[]) => {
  const cids: string[] = []
  for (const bytes of blocks) {
    const block = t.state.blocks
    const r = take(c, t, bytes, server)
    if (r.bad !== undefined)
      return { cids, fault: { ok: false, code: 'bad_block', reason: r.bad, block } as const }
    cids.push(r.cid)
  }
  return { cids }
}

/**
 * Runs the task against `server` until it is whole, or for `maxSteps` requests, or a fault. The
 * next request goes out before the blocks of an answer are written to the store; to a server
 * that takes `depth` 2 (a free one), even before they are checked, so two are in flight: the
 * server walks by block index, and the index after an answer is known before its check. A
 * priced server's next request waits for the check, so its voucher covers the answer before it.
 */
export const runTask = async (
  c: TaskContext,
  server: string,
  t: FetchTask,
  maxSteps = Number.POSITIVE_INFINITY,
): Promise<TaskOutcome> => {
  await fromLocal(c, t)
  let next: Promise<Answer> | undefined
  try {
    for (let n = 0; n < maxSteps && !receiverDone(t.state); n++) {
      if (c.exhausted()) return { ok: false, code: 'too_many_blocks' }
      const from = t.state.blocks
      const a = await (next ?? ask(c, server, t, from))
      next = undefined
      if ('ok' in a) return a
      if (a.t !== 'blocks') return { ok: false, code: 'bad_answer' }
      const more = n + 1 < maxSteps && !a.done && a.blocks.length > 0
      if (more && c.depth(server) > 1) next = ask(c, server, t, from + a.blocks.length)
      const r = check(c, server, t, a.blocks)
      if (more && !next && !r.fault && !receiverDone(t.state)) next = ask(c, server, t, t.state.blocks)
      // what was credited is stored, the good blocks before a bad one too
      for (const [i, cid] of r.cids.entries()) await c.putBlock(cid, a.blocks[i]!)
      if (r.fault) return r.fault
      if (a.blocks.length === 0 && !receiverDone(t.state)) return { ok: false, code: 'short_answer' }
    }
    return OK
  } finally {
    // never leave a request behind: the server takes two a peer, and the next task asks at once
    if (next) await next
  }
}
