// Transactions a service signs with the wallet's account key and follows until a closed ledger
// applies, rejects or drops them (mining, the market, retrieval checks). A bounded list: the
// oldest finished ones are forgotten first. Sequence numbers come after the ledger's (`nextSeq`
// sees the mempool) and after this list's own pending ones. `createWalletTxs` signs, submits and
// follows in one queue, so sequence numbers never race.
import type { PublicKey } from '../../shared/crypto/signer.ts'
import {
  type Address,
  type Amount,
  encodeTx,
  type GenesisConfig,
  getAccount,
  type LedgerState,
  type Operation,
  signTx,
  type TxBody,
  txIdOf,
} from '../../shared/ledger/index.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from './ledger-node-api.ts'
import { serialQueue } from './ledger-link.ts'

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

/** An operation as a service builds it (the ledger parses and checks it). */
export type WalletOp = { readonly type: string } & Readonly<Record<string, unknown>>

/**
 * Transactions signed with the wallet's account key and submitted to the ledger service, at most
 * `max` followed: `submit(kind, ops, extra)` checks the balance covers the fee and `extra` (what
 * the ops take beyond it), signs and submits in call order, and answers the transaction's id.
 */
export const createWalletTxs = <K extends string>(
  o: { ledger: () => LedgerNodeApi; key: AccountKey; now: () => number },
  max: number,
) => {
  const txs = createAccountTxs<K>(max)
  const serial = serialQueue()

  const submitNow = async (kind: K, ops: readonly WalletOp[], extra: bigint) => {
    const me = (await o.key.load()) ?? fail('no_wallet')
    const l = o.ledger()
    const { state } = l.current()
    const config = l.genesis()
    const acct = getAccount(state, me.address) ?? fail('no_account', { account: me.address })
    const fee = (config.minFeePerOp * BigInt(ops.length)) as Amount
    if (acct.balance < fee + extra)
      fail('insufficient_balance', { spendable: String(acct.balance), needed: String(fee + extra) })
    const seq = txs.nextSeq(l.nextSeq(me.address))
    const body = accountTxBody(ops, { source: me.publicKey, seq, fee, config, state, nowMs: o.now() })
    const signed = await o.key.withSigner((s) => signTx(body, [s]))
    const res = await l.submit(encodeTx(signed))
    if (!res.ok) return fail(res.error.code, res.error as WattError)
    const id = txIdOf(signed)
    txs.add(id, kind, body)
    return { id }
  }

  return {
    submit: (kind: K, ops: readonly WalletOp[], extra = 0n) => serial(() => submitNow(kind, ops, extra)),
    views: txs.views,
    anyPending: txs.anyPending,
    closed: (e: ClosedLedgerEvent, me: Address | undefined) => txs.closed(e, me),
  }
}

export type WalletTxs<K extends string> = ReturnType<typeof createWalletTxs<K>>
