// Transactions a service signs with the wallet's account key (asks, deals, seal-proof parts,
// window proofs, payment channels, redeems): submitted to the ledger service and followed until a
// closed ledger applies, rejects or drops them (account-txs.ts). One queue per service, so its
// sequence numbers never race; `settled` lets a caller wait for one transaction's fate.
import type { Address } from '../../shared/crypto/address.ts'
import { type Amount, encodeTx, getAccount, signTx, txIdOf } from '../../shared/ledger/index.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { accountTxBody, createAccountTxs, type TxView } from './account-txs.ts'
import type { ClosedLedgerEvent, LedgerNodeApi } from './ledger-node-api.ts'
import { serialQueue } from './ledger-link.ts'

type AccountOp = { readonly type: string } & Readonly<Record<string, unknown>>

export interface TxQueueInit {
  readonly ledger: () => LedgerNodeApi
  readonly key: AccountKey
  readonly now: () => number
  /** Transactions followed at once (a provider posting a seal proof has a dozen in flight). */
  readonly max: number
}

/** Callers waiting for a transaction's fate at most (each is one pending transaction). */
const MAX_WAITERS = 64

export const createTxQueue = <K extends string>(o: TxQueueInit) => {
  const txs = createAccountTxs<K>(o.max)
  const serial = serialQueue()
  const waiters = new Map<string, (v: TxView<K>) => void>()

  /** Signs and submits `ops`; `extra` is what they take from the balance beyond the fee. */
  const submitNow = async (kind: K, ops: readonly AccountOp[], extra: bigint) => {
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
    submit: (kind: K, ops: readonly AccountOp[], extra = 0n) => serial(() => submitNow(kind, ops, extra)),
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

export type TxQueue<K extends string> = ReturnType<typeof createTxQueue<K>>
