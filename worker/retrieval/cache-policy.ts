// What this node answers on `/watt/retrieve/1` (issue 15, item 4), decided in one place: a request
// names a file's root or a subtree of it, and the server walks down from there. A block of a
// fetched file (the cache) is served only while serving is on, and only from a whole file (a range
// fetch leaves holes a walk would fall into). Everything else in the block store is this node's
// own: files the user stored (with or without a deal) and its deals' data, which it serves
// always. The user's plain stored files are served with serving off too, on purpose: storing a file
// is the first step of a deal (the client serves its deal files to providers and to anyone who
// retrieves them while the deal lives), and a node's stored file is what the gateway fetches from a
// browser through the relay. A private file is not for a public network. What is never evicted
// (isOwnDeal, and the user's stored files) is decided here too.
import type { LedgerState } from '../../shared/ledger/state.ts'
import { marketReaders } from '../../shared/market/readers.ts'
import type { Cache } from './cache.ts'

export const mayServe = (cid: string, serving: boolean, cache: Pick<Cache, 'holds'>): boolean => {
  const held = cache.holds(cid)
  return held === 'none' || (serving && held === 'complete')
}

/** Whether `me` (an account address) is the client or a provider of a deal on `cid`: its data. */
export const isOwnDeal = (state: LedgerState, me: string, cid: string): boolean =>
  marketReaders
    .dealsByCid(state, cid)
    .some((d) => d.client === me || d.replicaList.some((r) => r.provider === me))
