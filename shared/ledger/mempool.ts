// The mempool: verified transactions waiting for a ledger. Bounded per account and in total; when
// full, a better-paying tx evicts the lowest fee-per-op tail (only tails, so no account's sequence
// chain breaks). After each closed ledger `update` drops what was applied or became invalid.
// A fee-free transaction that opens its source's account (apply.ts) waits only with an expiry at
// most OPENING_TX_MAX_LIFETIME_MS away, as it keeps no trace in the ledger when it fails.
import type { Address } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { GenesisConfig } from './config.ts'
import { getAccount, type LedgerState } from './state.ts'
import { compareFeeRate, selectBySurgePricing } from './surge.ts'
import type { CheckedTx } from './tx-set.ts'

export interface MempoolLimits {
  readonly maxTotal: number
  readonly maxPerAccount: number
}

export const DEFAULT_MEMPOOL_LIMITS: MempoolLimits = { maxTotal: 10_000, maxPerAccount: 16 }
export const OPENING_TX_MAX_LIFETIME_MS = 10 * 60_000

const NO_ACCOUNT = { balance: 0n, seq: 0n }

/** An account-opening tx waits only with a near expiry (it is retried until then). */
const mayOpen = (tx: CheckedTx, nowMs: number): boolean => {
  const { maxTimeMs, seq } = tx.tx.body
  return tx.opens && seq === 1n && maxTimeMs !== 0 && maxTimeMs <= nowMs + OPENING_TX_MAX_LIFETIME_MS
}

export interface Mempool {
  /** Admits a checked tx against the last closed state, or says why not. */
  add(tx: CheckedTx, state: LedgerState, nowMs: number): Result<{ evicted?: CheckedTx }, WattError>
  has(id: string): boolean
  readonly size: number
  /** All pending transactions (for gossip and the UI), each account's in sequence order. */
  pending(): CheckedTx[]
  /** The next ledger's transactions under surge pricing: at most `maxFree` fee-free, `maxBytes` in all. */
  select(capacityOps: number, maxFree?: number, maxBytes?: number): CheckedTx[]
  /**
   * Drops applied, stale, expired and unaffordable transactions after a ledger closed, and those
   * it `included` (a refused fee-free one consumed nothing, but is not tried again).
   */
  update(state: LedgerState, nowMs: number, included?: ReadonlySet<string>): CheckedTx[]
}

export const createMempool = (
  config: GenesisConfig,
  limits: MempoolLimits = DEFAULT_MEMPOOL_LIMITS,
): Mempool => {
  const queues = new Map<Address, CheckedTx[]>()
  const ids = new Set<string>()
  let size = 0

  const lowestTail = (): CheckedTx[] | undefined => {
    let worst: CheckedTx[] | undefined
    for (const q of queues.values()) {
      if (q.length && (!worst || compareFeeRate(q[q.length - 1]!, worst[worst.length - 1]!) > 0)) worst = q
    }
    return worst
  }

  const reject = (code: string) => err(wattError(code))

  return {
    add(tx, state, nowMs) {
      const b = tx.tx.body
      if (ids.has(tx.id)) return reject('duplicate')
      if (!tx.sigOk) return reject('bad_signature')
      if (b.network !== config.networkId) return reject('wrong_network')
      if (!tx.free && b.fee < config.minFeePerOp * BigInt(tx.opCount)) return reject('below_min_fee')
      if (b.maxTimeMs !== 0 && b.maxTimeMs < nowMs) return reject('expired')
      const acct = getAccount(state, tx.source) ?? (mayOpen(tx, nowMs) ? NO_ACCOUNT : undefined)
      if (!acct) return reject('no_account')
      const q = queues.get(tx.source) ?? []
      if (b.seq !== acct.seq + 1n + BigInt(q.length)) return reject('bad_seq')
      if (q.length >= limits.maxPerAccount) return reject('mempool_account_full')
      const fees = q.reduce((s: bigint, t) => s + t.tx.body.fee, b.fee)
      if (fees > acct.balance) return reject('insufficient_balance')
      let evicted: CheckedTx | undefined
      if (size >= limits.maxTotal) {
        const worst = lowestTail()
        const last = worst?.[worst.length - 1]
        // Evicting this account's own tail would break the new tx's sequence chain.
        if (!worst || !last || last.source === tx.source || compareFeeRate(tx, last) >= 0) {
          return reject('mempool_full')
        }
        worst.pop()
        ids.delete(last.id)
        size--
        if (worst.length === 0) queues.delete(last.source)
        evicted = last
      }
      q.push(tx)
      queues.set(tx.source, q)
      ids.add(tx.id)
      size++
      return ok(evicted ? { evicted } : {})
    },
    has: (id) => ids.has(id),
    get size() {
      return size
    },
    pending: () => [...queues.values()].flat(),
    select: (capacityOps, maxFree, maxBytes) =>
      selectBySurgePricing([...queues.values()].flat(), capacityOps, maxFree, maxBytes),
    update(state, nowMs, included = new Set()) {
      const dropped: CheckedTx[] = []
      for (const [source, all] of queues) {
        const q = all.filter((t) => !included.has(t.id))
        const opening = q[0] !== undefined && mayOpen(q[0], nowMs)
        const acct = getAccount(state, source) ?? (opening ? NO_ACCOUNT : undefined)
        const kept: CheckedTx[] = []
        let next = (acct?.seq ?? 0n) + 1n
        let fees = 0n
        for (const t of acct ? q.filter((t) => t.tx.body.seq >= next) : []) {
          const b = t.tx.body
          fees += b.fee
          const expired = b.maxTimeMs !== 0 && b.maxTimeMs < nowMs
          if (b.seq !== next || expired || fees > acct!.balance) break
          kept.push(t)
          next++
        }
        for (const t of all) {
          if (!kept.includes(t)) {
            ids.delete(t.id)
            dropped.push(t)
          }
        }
        size -= all.length - kept.length
        if (kept.length > 0) queues.set(source, kept)
        else queues.delete(source)
      }
      return dropped
    },
  }
}
