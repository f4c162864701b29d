// One retrieval check (docs/retrieval-checks.md, "Sampling"): a checker fetches a sample's file
// root from the sample's provider alone, then the leaf block holding byte `point mod fileSize`,
// with the client's own fetcher (fetcher.ts), so every block is checked against its CID on the
// way in. The blocks go to a small scratch store of this check only, never the node's block
// store: a block this node already holds must not stand in for the provider's answer. The outcome
// is what the checker signs: 'ok' with the leaf's CID, or 'failed' (refused, away, stalled, a bad
// block, no reachable peer). The check is bounded in time (`timeoutMs`) and in blocks kept.
import type { Sha256 } from '../../shared/storage/hash.ts'
import { preorderBlocks } from '../../shared/storage/unixfs-walk.ts'
import { fail, WattFailure } from '../../shared/util/errors.ts'
import type { PeerStreams } from '../core/core-streams.ts'
import { createFetcher, type FetchError } from './fetcher.ts'
import { checkPayments } from './payments.ts'

/** Blocks one check keeps at most (a range of one byte needs the path from root to leaf only). */
export const MAX_CHECK_BLOCKS = 64
export const DEFAULT_CHECK_STALL_MS = 10_000
export const DEFAULT_CHECK_TIMEOUT_MS = 60_000
/** A range past any file's end: the provider sends the root block alone (no child meets it). */
const ROOT_ONLY = { offset: Number.MAX_SAFE_INTEGER - 1, length: 1 }

export interface CheckTarget {
  /** The provider's libp2p peer id (its ask's `peer`), the only server asked. */
  readonly peer: string
  /** The deal's root CID. */
  readonly cid: string
  readonly point: number
}

export type CheckOutcome =
  | { readonly outcome: 'ok'; readonly leaf: string }
  | { readonly outcome: 'failed'; readonly code: string }

export interface CheckDeps {
  readonly net: PeerStreams
  /** The node's SHA-256 (the storage service's: loaded once the storage has started). */
  readonly hash: () => Sha256
  readonly now: () => number
  readonly stallMs?: number
  /** The fetcher's wait before asking a provider that was away again (fetcher.ts). */
  readonly retryWaitMs?: number
  readonly timeoutMs?: number
}

/** A Map of at most MAX_CHECK_BLOCKS blocks; one more is `too_many_blocks`. */
const scratchStore = () => {
  const blocks = new Map<string, Uint8Array>()
  return {
    get: async (cid: string) => blocks.get(cid),
    put: async (cid: string, bytes: Uint8Array) => {
      if (!blocks.has(cid) && blocks.size >= MAX_CHECK_BLOCKS)
        fail('too_many_blocks', { max: MAX_CHECK_BLOCKS })
      blocks.set(cid, bytes)
    },
    need: async (cid: string) => blocks.get(cid) ?? fail('missing_block', { cid }),
  }
}

/** Why the provider failed: its fault (bad_block, stalled, refused...), else the fetch's code. */
const failed = (e: FetchError): CheckOutcome => ({
  outcome: 'failed',
  code: e.servers?.[0]?.fault?.code ?? e.code,
})

/** The root's size, then the path to the leaf under the point; the leaf is the walk's last block. */
const fetchLeaf = async (d: CheckDeps, t: CheckTarget): Promise<CheckOutcome> => {
  const store = scratchStore()
  const fetcher = createFetcher({
    payments: checkPayments,
    net: d.net,
    hash: d.hash(),
    putBlock: store.put,
    getLocal: store.get,
    now: d.now,
    stallMs: d.stallMs ?? DEFAULT_CHECK_STALL_MS,
    ...(d.retryWaitMs !== undefined ? { retryWaitMs: d.retryWaitMs } : {}),
    maxBytes: Number.MAX_SAFE_INTEGER,
  })
  const root = await fetcher({ cid: t.cid, servers: [t.peer], range: ROOT_ONLY })
  if (!root.ok) return failed(root.error)
  if (root.value.size === 0) return { outcome: 'failed', code: 'empty_file' }
  const offset = t.point % root.value.size
  const path = await fetcher({ cid: t.cid, servers: [t.peer], range: { offset, length: 1 } })
  if (!path.ok) return failed(path.error)
  let leaf = t.cid
  for await (const b of preorderBlocks(t.cid, store.need, 0, [offset, offset + 1])) leaf = b.cid
  return { outcome: 'ok', leaf }
}

/** Runs one check to its outcome; a check past `timeoutMs` is 'failed' with `timeout`. */
export const checkSample = async (d: CheckDeps, t: CheckTarget): Promise<CheckOutcome> => {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<CheckOutcome>((r) => {
    timer = setTimeout(
      () => r({ outcome: 'failed', code: 'timeout' }),
      d.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS,
    )
  })
  const run = fetchLeaf(d, t).catch(
    (e: unknown): CheckOutcome => ({
      outcome: 'failed',
      code: e instanceof WattFailure ? e.data.code : 'error',
    }),
  )
  try {
    return await Promise.race([run, late])
  } finally {
    clearTimeout(timer)
  }
}
