// The client's end of `/watt/retrieve/1` (issue 15, item 2): fetches a file, or a byte range of
// it, by CID from the servers that hold it. The root comes first, from the first server that
// answers with a good one; what remains is split into subtrees shared among the servers
// (shared/retrieval/fetch-plan.ts) and fetched in parallel, two requests in flight to a free
// server and one to a priced one (whose vouchers keep up with what it sent).
// Every block is checked before it is written to the local store or counted as verified for its
// server (fetch-task.ts); a server that sends a bad block, stalls past the timeout or fails is
// dropped, and its subtree is resumed by another from the last good block. Memory is two answers
// per server at most (~1 MiB each) plus the plan: the file itself goes to the block store, and is read
// back with the UnixFS export (shared/storage/unixfs-export.ts). Payment (payments.ts): after the
// root's first answer every server is asked its terms; those the payment session cannot or will
// not pay are left out; each request carries a voucher for what was verified from its server, and
// the last voucher (covering the last answer) goes in a `pay` message once the fetch ends.
import { receiverDone, UNKNOWN_SIZE, pendingSpans } from '../../shared/market/piece-receiver.ts'
import { createFetchPlan, type FetchPlan } from '../../shared/retrieval/fetch-plan.ts'
import type { Sha256 } from '../../shared/storage/hash.ts'
import { type ByteSpan, declaredSize } from '../../shared/storage/unixfs-walk.ts'
import { err, ok, type Result, type WattError } from '../../shared/util/errors.ts'
import { CID } from 'multiformats/cid'
import type { PeerStreams } from '../core/core-streams.ts'
import {
  exchange,
  type FetchTask,
  fromLocal,
  newTask,
  runTask,
  type TaskContext,
  type TaskOutcome,
} from './fetch-task.ts'
import { type PaymentSession, freePayments, type RetrievalPayments } from './payments.ts'
import { type ByteRange, encodeAskRequest, encodePayRequest, spanOf } from './retrieve-wire.ts'

/** Servers one fetch uses at most. */
export const MAX_SERVERS = 8
/** Blocks one fetch takes at most (a tree that never ends is cut off). */
export const MAX_FETCH_BLOCKS = 1 << 20
export const DEFAULT_STALL_MS = 15_000
export const DEFAULT_MAX_FETCH_BYTES = 4 * 2 ** 30
/** A server that answers `busy` is asked again this many times, waiting longer each time. */
const BUSY_RETRIES = 3
const BUSY_WAIT_MS = 200
/**
 * Holders come and go (a phone locks, a tab closes). When every server has dropped out and one of
 * them only for being away (no link, a stall, a broken stream), the fetch starts again this many
 * times, after 1, 2, then 3 times `retryWaitMs`, from the blocks it already verified and stored.
 */
const RETRY_ROUNDS = 3
const DEFAULT_RETRY_WAIT_MS = 1000
const AWAY: ReadonlySet<string> = new Set(['no_connection', 'stalled', 'stream_failed', 'short_answer'])

export interface FetcherDeps {
  readonly net: PeerStreams
  readonly hash: Sha256
  readonly putBlock: (cid: string, bytes: Uint8Array) => Promise<void>
  readonly getLocal: (cid: string) => Promise<Uint8Array | undefined>
  readonly now: () => number
  readonly payments?: RetrievalPayments
  readonly stallMs?: number
  /** The wait before the first retry round; the later ones wait 2 and 3 times as long. */
  readonly retryWaitMs?: number
  /** Largest file (as its root declares it) fetched; larger is `too_large`. */
  readonly maxBytes?: number
}

export interface FetchProgress {
  /** File bytes (of the range, when one was asked) verified so far, and in all. */
  readonly bytes: number
  readonly total: number
  /** Servers still in the fetch. */
  readonly peers: number
  /** Bytes a second since the fetch began. */
  readonly speed: number
}

export interface FetchRequest {
  readonly cid: string
  /** Peer ids of the holders, best first (findProviders, announcements). */
  readonly servers: readonly string[]
  readonly range?: ByteRange
  /** The most the fetch pays in all (base units); absent: no cap. */
  readonly maxPay?: bigint
  readonly onProgress?: (p: FetchProgress) => void
}

export interface ServerReport {
  readonly peer: string
  /** Bytes of blocks from it that passed their check (what a payment layer pays for). */
  verifiedBytes: number
  blocks: number
  /** Why it dropped out: a task fault, or the payment session's refusal (`too_expensive`...). */
  fault?: Omit<Extract<TaskOutcome, { ok: false }>, 'ok'> | { readonly code: string }
}

export interface Fetched {
  readonly cid: string
  /** The file's size, as its root declares it. */
  readonly size: number
  /** File bytes of the range (all of the file without one). */
  readonly bytes: number
  readonly blocks: number
  readonly servers: readonly ServerReport[]
}

export type FetchCode = 'bad_cid' | 'no_holder' | 'all_failed' | 'too_large' | 'too_many_blocks'
export type FetchError = WattError<FetchCode> & { readonly servers?: readonly ServerReport[] }

/** The run of one fetch: the servers' reports, the counters and the task context. */
const fetchRun = (d: FetcherDeps, r: FetchRequest, payments: PaymentSession) => {
  const servers = [...new Set(r.servers)].slice(0, MAX_SERVERS)
  const book = new Map(
    servers.map((peer): [string, ServerReport] => [peer, { peer, verifiedBytes: 0, blocks: 0 }]),
  )
  const t0 = d.now()
  let blocks = 0
  let bytes = 0
  let total = -1
  /** Servers whose ask was free: two requests in flight to each (fetch-task.ts). */
  const free = new Set<string>()
  const live = () => [...book.values()].filter((s) => !s.fault).length
  const progress = () =>
    total >= 0 &&
    r.onProgress?.({
      bytes,
      total,
      peers: live(),
      speed: Math.round((bytes * 1000) / Math.max(1, d.now() - t0)),
    })
  const ctx: TaskContext = {
    net: d.net,
    hash: d.hash,
    payments,
    stallMs: d.stallMs ?? DEFAULT_STALL_MS,
    putBlock: d.putBlock,
    getLocal: d.getLocal,
    verified: (s) => book.get(s)?.verifiedBytes ?? 0,
    credit(server, blockBytes, fileBytes) {
      const s = server === undefined ? undefined : book.get(server)
      if (s) {
        s.verifiedBytes += blockBytes
        s.blocks++
      }
      blocks++
      bytes += fileBytes
      progress()
    },
    depth: (s) => (free.has(s) ? 2 : 1),
    exhausted: () => blocks >= MAX_FETCH_BLOCKS,
  }
  const setTotal = (size: number, span: ByteSpan | undefined) => {
    total = span ? Math.max(0, Math.min(span[1], size) - span[0]) : size
    progress()
  }
  const report = (): Pick<Fetched, 'blocks' | 'bytes' | 'servers'> => ({
    blocks,
    bytes,
    servers: [...book.values()],
  })
  return { servers, book, free, ctx, setTotal, report }
}
type Run = ReturnType<typeof fetchRun>

const faulted = (
  run: Run,
  server: string,
  { ok: _, ...fault }: Extract<TaskOutcome, { ok: false }> | { ok?: false; code: string },
) => {
  run.book.get(server)!.fault = fault
}

/** The root's first answer, from the first server that gives a good one. */
const fetchRoot = async (run: Run, root: FetchTask): Promise<void> => {
  for (const s of run.servers) {
    if (root.state.blocks > 0) return
    const r = await runTask(run.ctx, s, root, 1)
    if (!r.ok) faulted(run, s, r)
  }
}

/** The subtrees still to come after the root's first answer, each with its part of the span. */
const subtrees = (root: FetchTask): FetchTask[] =>
  pendingSpans(root.state).map((e) => {
    const span = root.span
    const rel: ByteSpan | undefined = span && [
      Math.max(0, span[0] - e.start),
      Math.min(e.size, span[1] - e.start),
    ]
    return newTask(e.cid, e.size, rel)
  })

/** One server's loop: takes subtrees until none is left anywhere, or it fails. */
const workFor = async (run: Run, plan: FetchPlan<FetchTask>, server: string, sync: Sync) => {
  for (let busy = 0; !plan.isDropped(server); ) {
    const task = plan.take(server)
    if (!task) {
      if (sync.active === 0) return
      await sync.wait()
      continue
    }
    sync.active++
    const r = await runTask(run.ctx, server, task)
    sync.active--
    if (!r.ok) plan.giveBack(task)
    if (!r.ok && r.code === 'refused' && r.reason === 'busy' && ++busy <= BUSY_RETRIES) {
      sync.notify()
      await new Promise((w) => setTimeout(w, BUSY_WAIT_MS * busy))
      continue
    }
    if (!r.ok) {
      faulted(run, server, r)
      plan.drop(server)
    } else busy = 0
    sync.notify()
  }
}

interface Sync {
  active: number
  wait(): Promise<void>
  notify(): void
}

const createSync = (): Sync => {
  let waiting: Array<() => void> = []
  return {
    active: 0,
    wait: () => new Promise<void>((r) => waiting.push(r)),
    notify() {
      const w = waiting
      waiting = []
      for (const f of w) f()
    },
  }
}

/** Asks each server still in the fetch its terms; one the session will not or cannot pay is left out. */
const askAll = async (run: Run, cid: string, size: number): Promise<string[]> => {
  const priced = new Set<string>()
  const asked = await Promise.all(
    run.servers.map(async (s) => {
      if (run.book.get(s)!.fault) return undefined
      const a = await exchange(run.ctx, s, encodeAskRequest(cid))
      if ('ok' in a || a.t !== 'ask')
        return faulted(run, s, 'ok' in a ? a : { ok: false, code: 'bad_answer' })
      const ask = { ...a, pricePerByte: BigInt(a.pricePerByte) }
      const taken = run.ctx.payments.priced(s, ask, size)
      if (!taken.ok) return faulted(run, s, taken)
      if (ask.pricePerByte > 0n) priced.add(s)
      else run.free.add(s)
      return s
    }),
  )
  const ready = priced.size > 0 ? await run.ctx.payments.ready() : { ok: true as const }
  if (!ready.ok) for (const s of priced) faulted(run, s, ready)
  return asked.filter((s): s is string => s !== undefined && (ready.ok || !priced.has(s)))
}

/** The fetch's last payments: a voucher covering all that was verified from each server. */
const payLast = async (run: Run): Promise<void> => {
  await Promise.all(
    [...run.book.values()].map(async (s) => {
      const voucher =
        s.verifiedBytes > 0 ? await run.ctx.payments.voucherFor(s.peer, s.verifiedBytes) : undefined
      if (voucher) await exchange(run.ctx, s.peer, encodePayRequest(voucher))
    }),
  )
}

/** After the root's first answer: the size checked, the servers asked, the subtrees fetched. */
const fetchRest = async (run: Run, root: FetchTask, cid: CID, d: FetcherDeps, span: ByteSpan | undefined) => {
  const rootBytes = root.state.blocks > 0 ? await d.getLocal(cid.toString()) : undefined
  const size = rootBytes && declaredSize(cid, rootBytes)
  if (size === undefined) return err({ code: 'all_failed' as const })
  const limit = d.maxBytes ?? DEFAULT_MAX_FETCH_BYTES
  if (size > limit) return err({ code: 'too_large' as const, size, limit })
  run.setTotal(size, span)
  const tasks = receiverDone(root.state) ? [] : subtrees(root)
  const fetched = tasks.length > 0 || run.report().servers.some((s) => s.verifiedBytes > 0)
  const plan = createFetchPlan(tasks, fetched ? await askAll(run, cid.toString(), size) : [])
  const sync = createSync()
  await Promise.all(plan.live().map((s) => workFor(run, plan, s, sync)))
  if (run.ctx.exhausted()) return err({ code: 'too_many_blocks' as const, limit: MAX_FETCH_BLOCKS })
  if (!tasks.every((t) => receiverDone(t.state))) return err({ code: 'all_failed' as const })
  return ok(size)
}

/** One round: every server asked once, each dropped at its first fault. */
const fetchOnce = async (d: FetcherDeps, r: FetchRequest, cid: CID): Promise<Result<Fetched, FetchError>> => {
  const run = fetchRun(d, r, (d.payments ?? freePayments).session(cid.toString(), r.maxPay))
  const span = spanOf(r.range)
  const root = newTask(cid.toString(), UNKNOWN_SIZE, span)
  await fromLocal(run.ctx, root)
  if (!receiverDone(root.state) && run.servers.length === 0)
    return err({ code: 'no_holder' as const, servers: run.report().servers })
  await fetchRoot(run, root)
  const res = await fetchRest(run, root, cid, d, span)
  await payLast(run)
  if (!res.ok) return err({ ...res.error, servers: run.report().servers })
  return ok({ cid: cid.toString(), size: res.value, ...run.report() })
}

/** The servers for another round: none if no server was only away; never one caught lying. */
const retryServers = (e: FetchError, servers: readonly string[]): string[] => {
  const reports = e.code === 'all_failed' ? (e.servers ?? []) : []
  if (!reports.some((s) => s.fault && AWAY.has(s.fault.code))) return []
  const liars = new Set(reports.filter((s) => s.fault?.code === 'bad_block').map((s) => s.peer))
  return servers.filter((s) => !liars.has(s))
}

export const createFetcher =
  (d: FetcherDeps) =>
  async (r: FetchRequest): Promise<Result<Fetched, FetchError>> => {
    let cid: CID
    try {
      cid = CID.parse(r.cid)
    } catch {
      return err({ code: 'bad_cid' as const, cid: r.cid.slice(0, 120) })
    }
    let res = await fetchOnce(d, r, cid)
    let servers = r.servers
    for (let round = 1; round <= RETRY_ROUNDS && !res.ok; round++) {
      servers = retryServers(res.error, servers)
      if (servers.length === 0) break
      await new Promise((w) => setTimeout(w, (d.retryWaitMs ?? DEFAULT_RETRY_WAIT_MS) * round))
      res = await fetchOnce(d, { ...r, servers }, cid)
    }
    return res
  }

export type Fetcher = ReturnType<typeof createFetcher>
