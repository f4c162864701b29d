// The payment layer a node's retrieval service runs (payments.ts's RetrievalPayments): the client's
// channel and vouchers (payments-client.ts) and the server's asks, voucher checks and redeems
// (payments-server.ts), sharing one queue of wallet-signed transactions so their sequence numbers
// never race. Closed ledgers move the queue on and let the server redeem before a dispute window
// shuts.
import type { ClosedLedgerEvent } from '../node/ledger-node-api.ts'
import type { LedgerLink } from '../node/ledger-link.ts'
import { createWalletTxs } from '../wallet/wallet-txs.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { createClientPayments, type MetaStore, type RetrievalTxKind } from './payments-client.ts'
import type { RetrievalPayments } from './payments.ts'
import { createServerPayments } from './payments-server.ts'

/** Retrieval transactions followed at once (channel operations and redeems). */
const MAX_RETRIEVAL_TXS = 16

export interface LedgerPaymentsInit {
  readonly link: LedgerLink
  readonly key: AccountKey
  readonly meta: MetaStore
  readonly now: () => number
  readonly priceOf: (cid: string) => bigint
  readonly onEarned: (amount: bigint) => void | Promise<void>
  readonly redeemDelayMs?: number
}

export const createLedgerPayments = (o: LedgerPaymentsInit) => {
  const txs = createWalletTxs<RetrievalTxKind>(
    { ledger: o.link.need, key: o.key, now: o.now },
    MAX_RETRIEVAL_TXS,
  )
  const client = createClientPayments({ ledger: o.link.need, key: o.key, txs, meta: o.meta })
  const server = createServerPayments({
    ledger: o.link.get,
    key: o.key,
    txs,
    meta: o.meta,
    priceOf: o.priceOf,
    onEarned: o.onEarned,
    ...(o.redeemDelayMs !== undefined ? { redeemDelayMs: o.redeemDelayMs } : {}),
  })
  const payments: RetrievalPayments = {
    session: (_cid, maxPay) => client.session(maxPay),
    server: server.server,
  }
  return {
    payments,
    closed(e: ClosedLedgerEvent): void {
      void o.key.load().then((k) => {
        txs.closed(e, k?.address)
        server.closed(e)
      })
    },
    redeemAll: server.redeemAll,
    stop: server.stop,
  }
}
