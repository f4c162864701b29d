// The market's transactions from this wallet (asks, deals, pre-commits, seal-proof parts, window
// proofs): signed with the wallet's account key, submitted to the ledger service, followed until
// a closed ledger applies, rejects or drops them. One queue, so sequence numbers never race.
import type { Address } from '../../shared/crypto/address.ts'
import { type Amount, encodeTx, getAccount, signTx, txIdOf } from '../../shared/ledger/index.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import { accountTxBody, createAccountTxs } from '../node/account-txs.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from '../node/ledger-node-api.ts'
import { serialQueue } from '../node/ledger-link.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { MarketTxKind } from './market-view.ts'

type MarketOp = { readonly type: string } & Readonly<Record<string, unknown>>

/** Market transactions followed at once (a provider posting a seal proof has a dozen in flight). */
const MAX_TXS = 24

export const createMarketTxs = (o: { ledger: () => LedgerNodeApi; key: AccountKey; now: () => number }) => {
  const txs = createAccountTxs<MarketTxKind>(MAX_TXS)
  const serial = serialQueue()

  /** Signs and submits `ops`; `extra` is what they take from the balance beyond the fee. */
  const submitNow = async (kind: MarketTxKind, ops: readonly MarketOp[], extra: bigint) => {
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
    submit: (kind: MarketTxKind, ops: readonly MarketOp[], extra = 0n) =>
      serial(() => submitNow(kind, ops, extra)),
    views: txs.views,
    anyPending: txs.anyPending,
    /** Pending transactions of one kind (a provider keeps a bounded number in flight). */
    pending: (kind: MarketTxKind): number =>
      txs.views().filter((t) => t.kind === kind && t.state === 'pending').length,
    closed: (e: ClosedLedgerEvent, me: Address | undefined) => txs.closed(e, me),
  }
}

export type MarketTxs = ReturnType<typeof createMarketTxs>
