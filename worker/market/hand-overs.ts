// Provider exit on the device (issue 13, item 6; the ledger's rules in shared/market/hand-over.ts).
// `market.handOver` offers an active replica of this wallet to the cheapest other provider whose
// standing ask has room for it and whose free collateral covers the replica's; a provider's node
// takes every offer made to it that its ask and collateral still allow. The client's node then
// sends the successor the data (client-deals.ts) and it seals as any new replica does; this
// wallet keeps proving until the ledger releases it.
import type { Address } from '../../shared/crypto/address.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { providerKey } from '../../shared/market/binding.ts'
import { marketModule } from '../../shared/market/module.ts'
import type { Replica } from '../../shared/market/store.ts'
import { fail, toWattError } from '../../shared/util/errors.ts'
import type { MarketTxs } from './market-txs.ts'

const R = marketModule.readers
/** Ledgers before an untaken offer is taken again (a dropped transaction). */
const RETAKE_LEDGERS = 8
const LIVE = new Set(['proposed', 'sealing', 'active', 'faulty'])

/** Whether `provider`'s ask and free collateral allow taking `rep` of `size` bytes. */
const canTake = (state: LedgerState, provider: string, size: number, rep: Replica): boolean => {
  const acct = R.provider(state, provider)
  const ask = acct.ask
  return ask !== undefined && acct.used + size <= ask.capacity && acct.free >= rep.collateral0
}

/** The cheapest standing ask (then the lowest address) that may take the replica over. */
export const successorFor = (state: LedgerState, id: number, i: number): Address | undefined => {
  const deal = R.deal(state, id)!
  const rep = deal.replicaList[i]!
  const holders = new Set(deal.replicaList.filter((r) => LIVE.has(r.state)).map((r) => r.provider))
  const asks = R.asks(state)
    .filter((a) => !holders.has(a.provider as Address) && a.provider !== deal.client)
    .filter((a) => canTake(state, a.provider, deal.size, rep))
    .sort((x, y) => (x.price !== y.price ? (x.price < y.price ? -1 : 1) : x.provider < y.provider ? -1 : 1))
  return asks[0]?.provider as Address | undefined
}

export const createHandOvers = (txs: MarketTxs) => {
  const taken = new Map<string, number>()

  const offer = async (state: LedgerState, me: Address, id: number, i: number) => {
    const rep = R.deal(state, id)?.replicaList[i] ?? fail('unknown_deal', { deal: id, replica: i })
    if (rep.provider !== me) fail('not_provider')
    if (rep.state !== 'active') fail('bad_state', { state: rep.state })
    if (rep.to !== undefined) fail('hand_over_busy')
    const to = successorFor(state, id, i) ?? fail('no_successor')
    const res = await txs.submit('offerHandOver', [
      { type: 'offerHandOver', deal: id, replica: i, to: providerKey(to) },
    ])
    return { ...res, to }
  }

  /** Takes the offers made to this wallet (once per RETAKE_LEDGERS while the ledger has not). */
  const onLedger = (state: LedgerState, me: Address) => {
    const seq = state.header.seq
    for (const [id, i] of R.offersTo(state, me)) {
      const key = `${id}/${i}`
      const last = taken.get(key)
      if (last !== undefined && seq - last < RETAKE_LEDGERS) continue
      const deal = R.deal(state, id)!
      if (!canTake(state, me, deal.size, deal.replicaList[i]!)) continue
      taken.set(key, seq)
      txs
        .submit('takeOver', [{ type: 'takeOver', deal: id, replica: i }])
        .catch((e) => console.warn('market take-over:', key, toWattError(e).code))
    }
    if (taken.size > 1024) taken.clear()
  }

  return { offer, onLedger }
}
