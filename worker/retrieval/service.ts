// The retrieval service's factory for the node core: blocks are read from and fetched into the
// storage service's block store (and served from it, then from the sectors of the deals this
// node provides: block-source.ts), requests travel over the core's streams to other nodes, and
// announcements are checked with the core's verifier. Free retrieval: no payment layer yet.
import type { ServiceComponents } from '../core/service.ts'
import type { MarketService } from '../market/market-service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageService } from '../storage/storage-service.ts'
import { createBlockSource } from './block-source.ts'
import type { RetrievalEvents, RetrievalMethods } from './retrieval-api.ts'
import { createRetrievalService } from './retrieval-service.ts'

export const retrievalService = (
  c: ServiceComponents<
    { ledger: LedgerNodeApi; storage: StorageService; market: MarketService },
    RetrievalMethods,
    RetrievalEvents
  >,
) =>
  createRetrievalService(c, {
    storage: c.services.storage.deals,
    serve: createBlockSource({
      storage: c.services.storage.deals,
      replicas: () => c.services.market.replicas.all(),
    }).getBlock,
    net: c.core,
    peer: c.identity.peerId,
    verifier: c.verifier,
  })
