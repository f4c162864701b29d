// The retrieval service's factory for the node core: blocks are read from and fetched into the
// storage service's block store, requests travel over the core's streams to other nodes, and
// announcements are checked with the core's verifier. Free retrieval: no payment layer yet.
import type { ServiceComponents } from '../core/service.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import type { StorageService } from '../storage/storage-service.ts'
import type { RetrievalEvents, RetrievalMethods } from './retrieval-api.ts'
import { createRetrievalService } from './retrieval-service.ts'

export const retrievalService = (
  c: ServiceComponents<{ ledger: LedgerNodeApi; storage: StorageService }, RetrievalMethods, RetrievalEvents>,
) =>
  createRetrievalService(c, {
    storage: c.services.storage.deals,
    net: c.core,
    peer: c.identity.peerId,
    verifier: c.verifier,
  })
