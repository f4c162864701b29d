// The `market` core service (issue 13, items 7 and 8): market.view (the standing asks, this
// wallet's provider account, the network's limits) and market.postAsk, and a `market` event
// after every closed ledger. An ask is signed with the wallet's account key; the collateral its
// capacity needs beyond what the account holds free in the market is deposited in the same
// transaction (addCollateral, then postAsk), which is followed until a ledger applies or drops it.
import type { Address } from '../../shared/crypto/address.ts'
import {
  type Amount,
  encodeTx,
  getAccount,
  type LedgerState,
  parseWatt,
  signTx,
  txIdOf,
} from '../../shared/ledger/index.ts'
import { marketModule } from '../../shared/market/module.ts'
import { fail, type WattError } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import { accountTxBody, createAccountTxs } from '../node/account-txs.ts'
import type { ClosedLedgerEvent } from '../node/ledger-node-api.ts'
import { ledgerLink, type OnLedger, serialQueue } from '../node/ledger-link.ts'
import { registerAll } from '../rpc/server.ts'
import type { Handlers } from '../rpc/table.ts'
import type { AccountKey } from '../wallet/vault.ts'
import type { MarketEvents, MarketMethods, PostAskRequest } from './market-api.ts'
import { buildMarketView, type MarketTxKind, type MarketView, NOT_READY } from './market-view.ts'

export interface MarketDeps {
  readonly key: AccountKey
  /** This node's libp2p peer id: asks name it, so clients know where to send deal data. */
  readonly peer: string
}

/** Market transactions followed at once. */
const MAX_TXS = 10
const GIB = 1n << 30n

const amountOf = (text: string, field: string): Amount => {
  const a = parseWatt(text.trim())
  return a.ok ? a.value : fail('bad_amount', { field, reason: a.error.reason })
}

export const createMarketService = (
  c: Pick<ServiceComponents<OnLedger, MarketMethods, MarketEvents>, 'rpc' | 'services' | 'now'>,
  deps: MarketDeps,
): CoreService => {
  const txs = createAccountTxs<MarketTxKind>(MAX_TXS)
  const serial = serialQueue()
  const link = ledgerLink(c.services, (e) => onClosed(e))

  const view = async (): Promise<MarketView> => {
    const l = link.get()
    if (!l) return NOT_READY
    const me = (await deps.key.load())?.address
    const { state } = l.current()
    return buildMarketView({ state, closeIntervalMs: l.genesis().closeIntervalMs, me, txs: txs.views() })
  }
  const changed = () =>
    void view().then(
      (v) => c.rpc.broadcast('market', v),
      () => {},
    )
  const onClosed = (e: ClosedLedgerEvent) => {
    if (!txs.anyPending()) return changed()
    void deps.key.load().then((me) => {
      txs.closed(e, me?.address)
      changed()
    })
  }

  /** The ask's operations: the collateral deposit the capacity needs, then the ask itself. */
  const askOps = (r: PostAskRequest, me: Address, state: LedgerState) => {
    const params = marketModule.readers.params(state)
    const price = amountOf(r.price, 'price')
    const collateral = amountOf(r.collateral, 'collateral')
    const needed = (collateral * BigInt(r.capacity) + GIB - 1n) / GIB
    const deposit = needed - marketModule.readers.provider(state, me).free
    const ask = {
      type: 'postAsk',
      price,
      collateral,
      minSize: 1,
      maxSize: params.maxSectorSize,
      minPeriods: 1,
      maxPeriods: params.maxDealPeriods,
      capacity: r.capacity,
      peer: deps.peer,
    }
    return { ops: deposit > 0n ? [{ type: 'addCollateral', amount: deposit }, ask] : [ask], deposit }
  }

  const postAsk = async (r: PostAskRequest) => {
    const me = (await deps.key.load()) ?? fail('no_wallet')
    const l = link.need()
    const { state } = l.current()
    const config = l.genesis()
    const acct = getAccount(state, me.address) ?? fail('no_account', { account: me.address })
    const { ops, deposit } = askOps(r, me.address, state)
    const fee = (config.minFeePerOp * BigInt(ops.length)) as Amount
    const cost = fee + (deposit > 0n ? deposit : 0n)
    if (acct.balance < cost)
      fail('insufficient_balance', { spendable: String(acct.balance), needed: String(cost) })
    const seq = txs.nextSeq(l.nextSeq(me.address))
    const body = accountTxBody(ops, { source: me.publicKey, seq, fee, config, state, nowMs: c.now() })
    const signed = await deps.key.withSigner((s) => signTx(body, [s]))
    const res = await l.submit(encodeTx(signed))
    if (!res.ok) return fail(res.error.code, res.error as WattError)
    const id = txIdOf(signed)
    txs.add(id, 'postAsk', body)
    changed()
    return { id }
  }

  const handlers: Handlers<MarketMethods> = {
    'market.view': () => view(),
    'market.postAsk': (p) => serial(() => postAsk(p)),
  }

  return {
    name: 'market',
    async start() {
      registerAll(c.rpc, handlers)
      link.get()
      changed()
    },
    stop() {
      link.stop()
    },
  }
}
