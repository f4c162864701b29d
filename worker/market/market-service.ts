// The `market` core service (issue 13, items 1-8 on the device): market.view (the standing asks,
// this wallet's provider account, its files on the network and the replicas it holds, the
// network's limits), market.postAsk, market.quote, market.store, market.bid, market.handOver (hand-overs.ts),
// and a `market` event after every closed ledger. Every transaction is signed with the wallet's
// account key (market-txs.ts); the client's deals (client-deals.ts), the provider's replicas
// (provider-deals.ts) and hand-over offers move on from each closed ledger; deal data travels
// over `/watt/deal/1` (deal-push.ts, deal-receive.ts) on the `net` handed in.
import type { Address } from '../../shared/crypto/address.ts'
import { type Amount, type LedgerState, parseWatt } from '../../shared/ledger/index.ts'
import { marketModule } from '../../shared/market/module.ts'
import { fail } from '../../shared/util/errors.ts'
import type { CoreService, ServiceComponents } from '../core/service.ts'
import type { ClosedLedgerEvent } from '../node/ledger-node-api.ts'
import { ledgerLink, type OnLedger } from '../node/ledger-link.ts'
import { registerAll } from '../rpc/server.ts'
import type { Handlers } from '../rpc/table.ts'
import type { DealStorage } from '../storage/storage-service.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { createClientDeals, periodsFor, quoteFor, type StoreRequest } from './client-deals.ts'
import { createDealPusher } from './deal-push.ts'
import { createDealReceiver } from './deal-receive.ts'
import { clientRows, nextDeadline, providerRows } from './deal-rows.ts'
import { DEAL_PROTOCOL, type DealNet } from './deal-wire.ts'
import { createHandOvers } from './hand-overs.ts'
import type { DealTerms, MarketEvents, MarketMethods, PostAskRequest } from './market-api.ts'
import { createMarketTxs } from './market-txs.ts'
import { buildMarketView, type MarketView, NOT_READY } from './market-view.ts'
import { createProviderDeals } from './provider-deals.ts'
import { createReplicaStore, type ReplicaStore } from './replica-store.ts'

export interface MarketDeps {
  readonly key: AccountKey
  /** This node's libp2p peer id: asks name it, so clients know where to send deal data. */
  readonly peer: string
  readonly storage: DealStorage
  /** Request/response streams to other nodes: deal data travels over them. */
  readonly net: DealNet
}

/** The market service; its replica records tell the retrieval service which deals it may serve. */
export interface MarketService extends CoreService {
  readonly name: 'market'
  readonly replicas: Pick<ReplicaStore, 'all' | 'get'>
}

const GIB = 1n << 30n
const BROADCAST_MS = 150

const amountOf = (text: string, field: string): Amount => {
  const a = parseWatt(text.trim())
  return a.ok ? a.value : fail('bad_amount', { field, reason: a.error.reason })
}

/** The ask's operations: the collateral deposit the capacity needs, then the ask itself. */
const askOps = (r: PostAskRequest, me: Address, state: LedgerState, peer: string) => {
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
    peer,
  }
  return { ops: deposit > 0n ? [{ type: 'addCollateral', amount: deposit }, ask] : [ask], deposit }
}

export const createMarketService = async (
  c: Pick<ServiceComponents<OnLedger, MarketMethods, MarketEvents>, 'rpc' | 'services' | 'now'>,
  deps: MarketDeps,
): Promise<MarketService> => {
  const link = ledgerLink(c.services, (e) => onClosed(e))
  const txs = createMarketTxs({ ledger: link.need, key: deps.key, now: c.now })
  let broadcastTimer: ReturnType<typeof setTimeout> | undefined
  const changed = () => {
    broadcastTimer ??= setTimeout(() => {
      broadcastTimer = undefined
      void view().then(
        (v) => c.rpc.broadcast('market', v),
        () => {},
      )
    }, BROADCAST_MS)
  }
  const records = await createReplicaStore(deps.storage)
  const provider = createProviderDeals({ storage: deps.storage, txs, records, changed })
  const client = await createClientDeals({
    storage: deps.storage,
    txs,
    push: createDealPusher(deps.net),
    changed,
  })
  const handOvers = createHandOvers(txs)
  let me: { address: Address; publicKey: Uint8Array } | undefined

  const view = async (): Promise<MarketView> => {
    const l = link.get()
    if (!l) return NOT_READY
    const address = (await deps.key.load())?.address
    const { state } = l.current()
    const config = l.genesis()
    const views = txs.views()
    const outcome = (id: string) => views.find((t) => t.id === id)
    return buildMarketView({
      state,
      closeIntervalMs: config.closeIntervalMs,
      dayMs: config.dayLengthMs,
      me: address,
      txs: views,
      deals: clientRows(state, address, client.all(), outcome),
      providerDeals: address ? providerRows(state, address, records.get) : [],
      nextDeadline: address ? nextDeadline(state, address) : undefined,
    })
  }
  const onClosed = (e: ClosedLedgerEvent) => {
    void deps.key.load().then(async (k) => {
      me = k && { address: k.address, publicKey: k.publicKey }
      txs.closed(e, k?.address)
      if (me) {
        provider.onLedger(e.state, me)
        handOvers.onLedger(e.state, me.address)
        await client.onLedger({ me: me.address, state: e.state, config: link.need().genesis() })
      }
      changed()
    })
  }

  const postAsk = async (r: PostAskRequest) => {
    const k = (await deps.key.load()) ?? fail('no_wallet')
    const { ops, deposit } = askOps(r, k.address, link.need().current().state, deps.peer)
    const res = await txs.submit('postAsk', ops, deposit > 0n ? deposit : 0n)
    changed()
    return res
  }

  const quote = async (r: DealTerms) => {
    const k = (await deps.key.load()) ?? fail('no_wallet')
    const l = link.need()
    const { state } = l.current()
    const q = quoteFor(state, l.genesis(), k.address, r)
    return {
      amount: String(q.total),
      clientCollateral: String(q.clientCollateral),
      periods: periodsFor(r.days, l.genesis(), state),
      replicas: q.replicas.map((x) => ({ provider: x.provider, amount: String(x.total) })),
    }
  }

  const store = async (r: StoreRequest) => {
    const k = (await deps.key.load()) ?? fail('no_wallet')
    const l = link.need()
    const name = (r.file.name ?? '').slice(0, 200)
    const res = await client.store(r, { me: k.address, state: l.current().state, config: l.genesis(), name })
    changed()
    return res
  }

  const bid = async (r: StoreRequest & { maxPrice: string }) => {
    const k = (await deps.key.load()) ?? fail('no_wallet')
    const l = link.need()
    const name = (r.file.name ?? '').slice(0, 200)
    const o = { me: k.address, state: l.current().state, config: l.genesis(), name }
    const res = await client.bid({ ...r, maxPrice: amountOf(r.maxPrice, 'maxPrice') }, o)
    changed()
    return res
  }

  const handOver = async (r: { deal: number; replica: number }) => {
    const k = (await deps.key.load()) ?? fail('no_wallet')
    const res = await handOvers.offer(link.need().current().state, k.address, r.deal, r.replica)
    changed()
    return res
  }

  const handlers: Handlers<MarketMethods> = {
    'market.view': () => view(),
    'market.postAsk': (p) => postAsk(p),
    'market.quote': (p) => quote(p),
    'market.store': (p) => store(p),
    'market.bid': (p) => bid(p),
    'market.handOver': (p) => handOver(p),
  }

  return {
    name: 'market',
    replicas: records,
    async start() {
      registerAll(c.rpc, handlers)
      const hooks = provider.receiving(() =>
        me && link.get() ? { state: link.get()!.current().state, me } : undefined,
      )
      const receiver = createDealReceiver({ hooks, hash: deps.storage.hash })
      deps.net.handle(DEAL_PROTOCOL, receiver.onRequest)
      link.get()
      changed()
    },
    stop() {
      clearTimeout(broadcastTimer)
      link.stop()
    },
  }
}
