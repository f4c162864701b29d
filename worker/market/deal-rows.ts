// One row per replica for the Storage screen, from the ledger and this device's records: the
// client's "My files" (its deals) and a provider's incoming deals. The ledger's `proposed` is
// split by what this device knows: data still moving is `transferring`, data that arrived (or
// was sent) is `sealing` until the ledger says more. Also the provider's next proof deadline.
import type { Address } from '../../shared/crypto/address.ts'
import type { LedgerState } from '../../shared/ledger/index.ts'
import { windowDeadline, windowPosition } from '../../shared/market/binding.ts'
import { marketModule } from '../../shared/market/module.ts'
import type { BidState, Replica } from '../../shared/market/store.ts'
import type { ClientDeal, TransferProgress } from './client-deals.ts'
import type { ProviderReplica } from './replica-store.ts'

const R = marketModule.readers

export type DealState =
  | 'proposed'
  | 'transferring'
  | 'sealing'
  | 'active'
  | 'faulty'
  | 'terminated'
  | 'expired'

export interface DealRow {
  readonly cid: string
  readonly name: string
  /** Undefined until a ledger holds the deal. */
  readonly dealId: number | undefined
  readonly replica: number
  readonly provider: string
  readonly state: DealState
  readonly size: number
  /** Base units paid to the provider so far, and the replica's whole term price. */
  readonly paid: string
  readonly total: string
  readonly faults: number
  /** Windows settled since activation (proven or faulty). */
  readonly windows: number
  /** Bytes sent (client) or received (provider). */
  readonly moved: number
  /** What carried the data to the provider (`webrtc` on a direct link), on the client's side. */
  readonly transport?: string
  /** The provider's sector holding the replica, on the provider's side. */
  readonly sector?: number
  /** Sealing progress 0..1 on the provider's device. */
  readonly sealed?: number
  readonly error?: string
  /** Why an ended replica ended ('' when its term ran out): the ledger's reason. */
  readonly reason: string
  /**
   * A provider's hand-over of this replica (hand-overs.ts): `offered` to another provider, being
   * `taken` over by a successor that seals; `taking` on the successor's own row until it is active.
   */
  readonly handOver?: 'offered' | 'taken' | 'taking'
  /**
   * A client's deal asked for by a bid, until its providers join: `open`, `matched`, `expired`,
   * `cancelled`, or `refused` (the ledger did not take the bid; `error` says why).
   */
  readonly bid?: BidState | 'refused'
}

const handOverOf = (rep: Replica): DealRow['handOver'] => {
  if (rep.to !== undefined) return 'taken'
  if (rep.offer !== undefined) return 'offered'
  return rep.from !== undefined && (rep.state === 'proposed' || rep.state === 'sealing')
    ? 'taking'
    : undefined
}

/** The fields every row takes from the ledger's replica. */
const ledgerFields = (rep: Replica) => {
  const handOver = handOverOf(rep)
  return {
    paid: String(rep.paid),
    total: String(rep.total),
    faults: rep.faults,
    windows: rep.windows,
    reason: rep.reason,
    ...(handOver ? { handOver } : {}),
  }
}

const clientState = (rep: Replica, t: TransferProgress | undefined): DealState => {
  if (rep.state !== 'proposed') return rep.state
  return t?.state === 'done' ? 'sealing' : 'transferring'
}

/** How the client's own transactions went, by id (the market's transaction views). */
export type TxOutcome = (txId: string) => { readonly state: string; readonly code?: string } | undefined

/**
 * A bid's rows until its providers join: one per replica asked for, with the bid's state, or
 * `refused` with the ledger's code when its transaction was not taken.
 */
const bidRows = (state: LedgerState, me: Address | undefined, c: ClientDeal, tx: TxOutcome): DealRow[] => {
  const posted = me ? R.bidsByClient(state, me).findLast((b) => b.cid === c.cid) : undefined
  const t = tx(c.txId)
  const refused = posted === undefined && (t?.state === 'rejected' || t?.state === 'dropped')
  const bid = refused ? 'refused' : (posted?.state ?? 'open')
  return Array.from({ length: c.bid!.replicas }, (_, i) => ({
    cid: c.cid,
    name: c.name,
    dealId: c.deal,
    replica: i,
    provider: '',
    state: 'proposed',
    size: c.size,
    paid: '0',
    total: '0',
    faults: 0,
    windows: 0,
    reason: '',
    moved: 0,
    bid,
    ...(refused ? { error: t?.code ?? t!.state } : {}),
  }))
}

const rowsOfClientDeal = (
  state: LedgerState,
  me: Address | undefined,
  c: ClientDeal,
  tx: TxOutcome,
): DealRow[] => {
  if (c.bid && c.providers.length === 0) return bidRows(state, me, c, tx)
  const deal = c.deal === undefined ? undefined : R.deal(state, c.deal)
  return c.providers.map((p, i) => {
    const rep = deal?.replicaList[i]
    const t = c.transfers[i]
    return {
      cid: c.cid,
      name: c.name,
      dealId: c.deal,
      replica: i,
      provider: p.provider,
      state: rep ? clientState(rep, t) : 'proposed',
      size: c.size,
      ...(rep ? ledgerFields(rep) : { paid: '0', total: '0', faults: 0, windows: 0, reason: '' }),
      moved: t?.sent ?? 0,
      ...(t?.transport ? { transport: t.transport } : {}),
      ...(t?.error ? { error: t.error } : {}),
    }
  })
}

export const clientRows = (
  state: LedgerState,
  me: Address | undefined,
  deals: readonly ClientDeal[],
  tx: TxOutcome,
): DealRow[] => deals.flatMap((c) => rowsOfClientDeal(state, me, c, tx)).reverse()

const providerState = (rep: Replica, rec: ProviderReplica | undefined): DealState => {
  if (rep.state !== 'proposed') return rep.state
  return rec && rec.phase !== 'receiving' ? 'sealing' : 'transferring'
}

export const providerRows = (
  state: LedgerState,
  me: Address,
  record: (deal: number, replica: number) => ProviderReplica | undefined,
): DealRow[] =>
  R.replicasOf(state, me)
    .map(([id, i]) => {
      const deal = R.deal(state, id)!
      const rep = deal.replicaList[i]!
      const rec = record(id, i)
      return {
        cid: deal.cid,
        name: '',
        dealId: id,
        replica: i,
        provider: me,
        state: providerState(rep, rec),
        size: deal.size,
        ...ledgerFields(rep),
        moved: rec?.received ?? 0,
        ...(rec ? { sector: rec.sector } : {}),
        ...(rec?.fraction !== undefined ? { sealed: rec.fraction } : {}),
        ...(rec?.error ? { error: rec.error } : {}),
      }
    })
    .reverse()

/** The ledger of the provider's next window deadline (a closed tab faults there), or undefined. */
export const nextDeadline = (state: LedgerState, me: Address): number | undefined => {
  const p = R.params(state)
  const seq = state.header.seq
  let best: number | undefined
  for (const [id, i] of R.replicasOf(state, me)) {
    const rep = R.deal(state, id)!.replicaList[i]!
    if (rep.state !== 'active' && rep.state !== 'faulty') continue
    const pos = windowPosition(p, rep.sector)
    let k = Math.max(0, Math.floor((seq - pos * p.windowLedgers) / p.provingPeriodLedgers))
    while (windowDeadline(p, k, pos) < seq) k++
    const at = windowDeadline(p, k, pos)
    if (best === undefined || at < best) best = at
  }
  return best
}
