// Transactions a service signs with the wallet's account key and follows until a closed ledger
// applies, rejects or drops them (mining, the market, retrieval checks). A bounded list: the
// oldest finished ones are forgotten first. Sequence numbers come after the ledger's (`nextSeq`
// sees the mempool) and after this list's own pending ones. worker/wallet/wallet-txs.ts signs,
// submits and follows in one queue over it.
import type { PublicKey } from '../../shared/crypto/signer.ts'
import {
  type Address,
  type Amount,
  type GenesisConfig,
  getAccount,
  type LedgerState,
  type Operation,
  type TxBody,
} from '../../shared/ledger/index.ts'
import type { ClosedLedgerEvent } from './ledger-node-api.ts'

/** A transaction not applied within this long is expired by the ledger itself. */
export const ACCOUNT_TX_LIFETIME_MS = 60_000

export interface TxView<K extends string> {
  readonly id: string
  readonly kind: K
  readonly state: 'pending' | 'applied' | 'rejected' | 'dropped'
  readonly code?: string
  readonly ledger?: number
}

interface Tracked<K extends string> extends TxView<K> {
  readonly seq: bigint
  readonly maxTimeMs: number
}

/** The body of a transaction of `ops` from `source`, paying `fee`, valid for the lifetime above. */
export const accountTxBody = (
  ops: readonly { readonly type: string }[],
  o: {
    source: PublicKey
    seq: bigint
    fee: Amount
    config: GenesisConfig
    state: LedgerState
    nowMs: number
  },
): TxBody => ({
  network: o.config.networkId,
  source: o.source,
  seq: o.seq,
  fee: o.fee,
  minTimeMs: 0,
  maxTimeMs: Math.max(o.nowMs, o.state.header.closeTimeMs) + ACCOUNT_TX_LIFETIME_MS,
  memo: new Uint8Array(0),
  ops: ops as unknown as Operation[],
})

/** Follows one tracked transaction through a closed ledger. */
const follow = <K extends string>(t: Tracked<K>, e: ClosedLedgerEvent, source: Address | undefined) => {
  if (t.state !== 'pending') return t
  const r = e.results.find((x) => x.tx === t.id)
  if (r)
    return {
      ...t,
      state: r.ok ? 'applied' : 'rejected',
      ledger: e.seq,
      ...(r.code ? { code: r.code } : {}),
    } as const
  const used = source ? (getAccount(e.state, source)?.seq ?? 0n) : 0n
  if (used >= t.seq) return { ...t, state: 'dropped', code: 'seq_taken' } as const
  if (e.header.closeTimeMs > t.maxTimeMs) return { ...t, state: 'dropped', code: 'expired' } as const
  return t
}

export const createAccountTxs = <K extends string>(max: number) => {
  let txs: Tracked<K>[] = []
  return {
    views: (): TxView<K>[] => txs.map(({ seq: _s, maxTimeMs: _m, ...t }) => t),
    anyPending: (): boolean => txs.some((t) => t.state === 'pending'),
    /** The sequence number after `ledgerNext` and after this list's pending transactions. */
    nextSeq(ledgerNext: bigint): bigint {
      let seq = ledgerNext
      for (const t of txs) if (t.state === 'pending' && t.seq >= seq) seq = t.seq + 1n
      return seq
    },
    add(id: string, kind: K, body: TxBody): void {
      const finished = txs.filter((t) => t.state !== 'pending')
      const drop = Math.max(0, txs.length + 1 - max)
      const forget = new Set(finished.slice(0, drop).map((t) => t.id))
      const t: Tracked<K> = { id, kind, state: 'pending', seq: body.seq, maxTimeMs: body.maxTimeMs }
      txs = [...txs.filter((x) => !forget.has(x.id)), t]
    },
    /** Moves every pending transaction on by what the closed ledger `e` did with it. */
    closed(e: ClosedLedgerEvent, source: Address | undefined): void {
      txs = txs.map((t) => follow(t, e, source))
    },
  }
}

export type AccountTxs<K extends string> = ReturnType<typeof createAccountTxs<K>>
