// Where a node keeps the tx sets consensus needs, so that no flood can evict them (issue 12).
// Like stellar-core's herder (PendingEnvelopes + ItemFetcher), sets are fetched for a slot,
// not accepted blind:
// - `held`: the sets of the slots being decided — this node's own nominations, the sets named by
//   verified envelopes of the next slot, and the sets of externalized values waiting to apply.
//   They leave only when their slot closes; nothing a peer sends can push them out.
// - `wanted`: sets a verified envelope or an agreed value named that have not arrived; asked for
//   at most once a second each, and accepted (after their checks) from any source.
// - `prefetch`: unsolicited sets (a nominator floods its set just before the envelope naming it).
//   Only a set that builds on the current ledger is even looked at, each source gets a small
//   budget, and they live in a bounded side cache that cannot touch `held`. If junk crowds a real
//   set out of it, the envelope naming that set makes it wanted and it is fetched.
import { cidOf, cidString } from '../codec/dag-cbor.ts'
import type { CheckedTxSet, TxSet } from '../ledger/index.ts'
import type { CID } from '../codec/dag-cbor.ts'
import { createRateLimiter } from '../util/rate-limit.ts'
import type { Result, WattError } from '../util/errors.ts'

/** Result codes the pool counts (each a `status().counters` key). */
export type TxSetPoolCode =
  | 'txset_invalid'
  | 'txset_unknown_slot'
  | 'txset_unsolicited_throttled'
  | 'txset_held_full'
  | 'txset_duplicate'

export const TX_SET_POOL_LIMITS = {
  /** Sets held for undecided slots (own, named by verified envelopes, agreed). */
  held: 512,
  /** Sets asked for and not yet arrived. */
  wanted: 512,
  /** Unsolicited sets on the current ledger, waiting for an envelope to name them. */
  prefetch: 32,
  /** Unsolicited sets looked at per source (connection) per second, and in all. */
  perSourcePerSecond: 2,
  perSourceBurst: 4,
  totalPerSecond: 16,
  totalBurst: 32,
  /** A wanted set is asked for again at most this often. */
  askEveryMs: 1000,
} as const

export interface TxSetPoolPorts {
  now(): number
  /** The full stateless check of a set (every tx decodes, signatures, canonical order). */
  check(set: TxSet): Promise<Result<CheckedTxSet, WattError>>
  /** Publishes a request for a set. */
  ask(cid: string): void
  count(code: TxSetPoolCode): void
}

interface Entry {
  readonly slot: number
  readonly set: CheckedTxSet
}

export const createTxSetPool = (p: TxSetPoolPorts, limits = TX_SET_POOL_LIMITS) => {
  const held = new Map<string, Entry>()
  const wanted = new Map<string, { slot: number; askedAt: number }>()
  const prefetch = new Map<string, CheckedTxSet>()
  const perSource = createRateLimiter(limits.perSourcePerSecond, limits.perSourceBurst, p.now)
  const total = createRateLimiter(limits.totalPerSecond, limits.totalBurst, p.now, 1)

  const hold = (slot: number, set: CheckedTxSet): boolean => {
    const cid = cidString(set.cid)
    wanted.delete(cid)
    prefetch.delete(cid)
    if (held.has(cid)) return true
    if (held.size >= limits.held) {
      p.count('txset_held_full')
      return false
    }
    held.set(cid, { slot, set })
    return true
  }

  /** A verified envelope or an agreed value of `slot` names `cid`: keep it, or fetch it. */
  const want = (cid: string, slot: number): boolean => {
    const pre = prefetch.get(cid)
    if (pre) return hold(slot, pre)
    if (held.has(cid)) return true
    const w = wanted.get(cid)
    const now = p.now()
    if (w && now - w.askedAt < limits.askEveryMs) return false
    if (!w && wanted.size >= limits.wanted) return false
    wanted.set(cid, { slot: Math.max(slot, w?.slot ?? 0), askedAt: now })
    p.ask(cid)
    return false
  }

  /**
   * A set heard from `source` while the node's last closed header is `current`: `held` when a
   * slot was waiting for it (envelopes naming it may now go to SCP).
   */
  const receive = async (
    set: TxSet,
    source: string,
    current: CID,
  ): Promise<{ cid: string; held: boolean }> => {
    const cid = cidString(cidOf(set))
    if (held.has(cid) || prefetch.has(cid)) {
      p.count('txset_duplicate')
      return { cid, held: false }
    }
    if (!wanted.has(cid)) return { cid, held: await unsolicited(cid, set, source, current) }
    const checked = await p.check(set)
    if (!checked.ok) p.count('txset_invalid')
    const w = wanted.get(cid)
    return { cid, held: checked.ok && w !== undefined && hold(w.slot, checked.value) }
  }

  const unsolicited = async (cid: string, set: TxSet, source: string, current: CID): Promise<false> => {
    if (!set.prevHeader.equals(current)) {
      p.count('txset_unknown_slot')
      return false
    }
    if (!perSource.allow(source) || !total.allow('')) {
      p.count('txset_unsolicited_throttled')
      return false
    }
    const checked = await p.check(set)
    if (!checked.ok) {
      p.count('txset_invalid')
      return false
    }
    if (prefetch.size >= limits.prefetch) prefetch.delete(prefetch.keys().next().value!)
    prefetch.set(cid, checked.value)
    return false
  }

  return {
    hold,
    want,
    receive,
    get: (cid: string): CheckedTxSet | undefined => held.get(cid)?.set ?? prefetch.get(cid),
    has: (cid: string): boolean => held.has(cid),
    /** Forgets what slots up to `closed` needed; prefetched sets built on the old ledger go too. */
    closed(closed: number) {
      for (const [cid, e] of held) if (e.slot <= closed) held.delete(cid)
      for (const [cid, w] of wanted) if (w.slot <= closed) wanted.delete(cid)
      prefetch.clear()
    },
    sizes: () => ({ held: held.size, wanted: wanted.size, prefetch: prefetch.size }),
  }
}

export type TxSetPool = ReturnType<typeof createTxSetPool>
