// The retrieval service's factory for the node core: blocks are read from and fetched into the
// storage service's block store (and served from it, then from the sectors of the deals this
// node provides: block-source.ts), requests travel over the core's streams to other nodes, and
// announcements are checked with the core's verifier. Payments go through the ledger's payment
// channels (ledger-payments.ts), signed with the wallet's account key. As a
// retrieval miner it keeps its settings and cache in the storage service's meta store, evicts
// through it, signs announcements with the node's identity key and gossips them on the
// `retrieval` topic; the user's stored files and this node's deals are never evicted. The
// retrieval checker (checker-service.ts) signs its reports with the wallet's account key and
// fetches over the same streams, hashing with the storage service's SHA-256.
import type { ServiceComponents } from '../core/service.ts'
import type { MarketService } from '../market/market-service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageService } from '../storage/storage-service.ts'
import type { WalletService } from '../wallet/wallet-service.ts'
import { createBlockSource } from './block-source.ts'
import { isOwnDeal } from './cache-policy.ts'
import type { MinerDeps } from './cache-serve.ts'
import { createCheckerService } from './checker-service.ts'
import type { RetrievalEvents, RetrievalMethods } from './retrieval-api.ts'
import { createRetrievalService } from './retrieval-service.ts'

type Components = ServiceComponents<
  { ledger: LedgerNodeApi; wallet: WalletService; storage: StorageService; market: MarketService },
  RetrievalMethods,
  RetrievalEvents
>

const minerDeps = (c: Components): MinerDeps => {
  const { storage, ledger, wallet } = c.services
  /** Deals name the wallet's account (client or provider), not the node's identity key. */
  const ownDeal = async (cid: string) => {
    const me = await wallet.accountKey.load()
    return me !== undefined && isOwnDeal(ledger.current().state, me.address, cid)
  }
  return {
    store: {
      getMeta: storage.deals.getMeta,
      putMeta: storage.deals.putMeta,
      getBlock: storage.deals.getBlock,
      dropBlocks: (owner) => storage.dropBlocks(owner),
    },
    signer: c.identity.signer,
    gossip: {
      publish: (data) => c.core.publish('retrieval', data),
      subscribe: (h) => c.core.onTopic('retrieval', (data, from) => h(data, from)),
    },
    protect: async (cid) => (await ownDeal(cid)) || (await storage.view()).files.some((f) => f.cid === cid),
    ownFiles: async () => (await storage.view()).files.map((f) => f.cid),
    unsealed: (cid) => c.services.market.replicas.all().some((r) => r.cid === cid && r.phase === 'sealed'),
  }
}

export const retrievalService = (c: Components) =>
  createRetrievalService(c, {
    storage: c.services.storage.deals,
    serve: createBlockSource({
      storage: c.services.storage.deals,
      replicas: () => c.services.market.replicas.all(),
    }).getBlock,
    net: c.core,
    peer: c.identity.peerId,
    verifier: c.verifier,
    miner: minerDeps(c),
    pay: {
      key: c.services.wallet.accountKey,
      meta: { getMeta: c.services.storage.deals.getMeta, putMeta: c.services.storage.deals.putMeta },
    },
  })

export const checkerService = (
  c: ServiceComponents<
    { ledger: LedgerNodeApi; wallet: WalletService; storage: StorageService },
    RetrievalMethods,
    RetrievalEvents
  >,
) =>
  createCheckerService(c, {
    key: c.services.wallet.accountKey,
    check: { net: c.core, hash: () => c.services.storage.deals.hash(), now: c.now },
  })
