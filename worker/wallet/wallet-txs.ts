// Transactions a service signs with the wallet's account key (the market, the retrieval
// checker, payment channels and redeems): checked against the balance (the fee and what the operations take beyond it), signed,
// submitted to the ledger service in call order (one queue, so sequence numbers never race) and
// followed until a closed ledger applies, rejects or drops them (worker/node/account-txs.ts);
// `settled` lets a caller wait for one transaction's fate.
import { type Address, type Amount, encodeTx, getAccount, signTx, txIdOf } from '../../shared/ledger/index.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import { accountTxBody, createAccountTxs, type TxView } from '../node/account-txs.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from '../node/ledger-node-api.ts'
import { serialQueue } from '../node/ledger-link.ts'
import type { AccountKey } from './vault.ts'

/** An operation as a service builds it (the ledger parses and checks it). */
export type WalletOp = { readonly type: string } & Readonly<Record<string, unknown>>

/** Callers waiting for a transaction's fate at most (each waits on one pending transaction). */
const MAX_WAITERS = 64

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
  const waiters = new Map<string, (v: TxView<K>) => void>()

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
    /** Pending transactions of one kind (a provider keeps a bounded number in flight). */
    pending: (kind: K): number => txs.views().filter((t) => t.kind === kind && t.state === 'pending').length,
    /** The transaction once a closed ledger applied, rejected or dropped it. */
    settled(id: string): Promise<TxView<K>> {
      const now = txs.views().find((t) => t.id === id)
      if (now && now.state !== 'pending') return Promise.resolve(now)
      if (waiters.size >= MAX_WAITERS) fail('busy', { max: MAX_WAITERS })
      return new Promise((resolve) => waiters.set(id, resolve))
    },
    closed(e: ClosedLedgerEvent, me: Address | undefined): void {
      txs.closed(e, me)
      for (const t of txs.views()) {
        const w = t.state === 'pending' ? undefined : waiters.get(t.id)
        if (w) {
          waiters.delete(t.id)
          w(t)
        }
      }
    },
  }
}

export type WalletTxs<K extends string> = ReturnType<typeof createWalletTxs<K>>
