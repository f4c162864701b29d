// Who holds a CID, as the ledger says (issue 15, item 1): the storage providers with a live
// replica of a deal on that CID, reachable at the libp2p peer id their ask names. Pure: the
// closed ledger state in, a short ordered list out. Caching nodes that are not providers are found
// through signed announcements instead (find-announcements.ts).
import type { LedgerState } from '../ledger/state.ts'
import { marketReaders } from '../market/readers.ts'
import type { ReplicaState } from '../market/store.ts'

/** Holders one lookup returns at most (a fetch uses a few of them). */
export const MAX_HOLDERS = 64

/**
 * Replica states whose provider has the whole file, best first: an active replica is sealed and
 * proven; a sealing one has taken every block. `proposed` ones may be part way through the
 * transfer, and ended or faulty ones may have lost the data: neither is asked.
 */
const HOLDING: readonly ReplicaState[] = ['active', 'sealing']

export interface Holder {
  /** The libp2p peer id of the provider's node (its ask's `peer`). */
  readonly peer: string
  readonly provider: string
  readonly deal: number
  readonly replica: number
  readonly state: ReplicaState
}

/** The providers holding `cid` per the ledger: active replicas first, then sealing, each peer once. */
export const findProviders = (state: LedgerState, cid: string): Holder[] => {
  const found: Holder[] = []
  for (const d of marketReaders.dealsByCid(state, cid))
    d.replicaList.forEach((r, replica) => {
      if (!HOLDING.includes(r.state)) return
      const peer = marketReaders.provider(state, r.provider).ask?.peer
      if (peer) found.push({ peer, provider: r.provider, deal: d.id, replica, state: r.state })
    })
  const rank = (h: Holder) => HOLDING.indexOf(h.state)
  const seen = new Set<string>()
  return found
    .sort((a, b) => rank(a) - rank(b) || a.deal - b.deal || a.replica - b.replica)
    .filter((h) => !seen.has(h.peer) && seen.add(h.peer))
    .slice(0, MAX_HOLDERS)
}
