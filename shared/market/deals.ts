// publishDeal: a client takes the asks of n distinct providers for one piece (its CID for the
// index, CommD for the seal proofs, its size), a term of `periods` proving periods and a start
// deadline. Each replica's price and collateral come from its provider's ask; the client's
// payment for the whole term and its client collateral are locked in the module and each
// provider's collateral moves from free to locked, or nothing happens and the first failing
// check's code is returned. The bid matcher (match.ts) opens its deals with the same functions.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import { type Amount, MAX_AMOUNT } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, dataNumber } from '../ledger/lists.ts'
import { lockInModule } from '../ledger/money.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { type WattError, wattError } from '../util/errors.ts'
import type { MarketCode } from './codes.ts'
import type { MarketParams } from './params.ts'
import { clientCollateralOf, collateralFor, termPrice } from './pricing.ts'
import {
  type Deal,
  getAsk,
  getProvider,
  keys,
  MARKET,
  putReplica,
  type Replica,
  updateProvider,
} from './store.ts'
import { parseFields } from './wire.ts'

export interface PublishDealOp {
  readonly type: 'publishDeal'
  readonly cid: string
  readonly commD: Uint8Array
  readonly size: number
  readonly periods: number
  readonly startBy: number
  readonly providers: readonly PublicKey[]
}

/** What a deal is about, whether the client names the providers or a bid is matched. */
export interface Piece {
  readonly cid: string
  readonly commD: Uint8Array
  readonly size: number
  readonly periods: number
  readonly startBy: number
}

export interface Term {
  readonly provider: Address
  readonly total: bigint
  readonly collateral: bigint
  /** The client's collateral for the replica (clientCollateralOf its total). */
  readonly clientCollateral: bigint
}

/** The nominal length of a proving period in ms (what prices per day are converted with). */
export const periodMsOf = (d: Pick<LedgerDraft, 'config'>, p: MarketParams): number =>
  p.provingPeriodLedgers * d.config.closeIntervalMs

/** The replica's terms from its provider's ask, or the code that refuses it. */
export const termOf = (
  d: LedgerDraft,
  p: MarketParams,
  piece: Pick<Piece, 'size' | 'periods'>,
  provider: Address,
) => {
  const ask = getAsk(d, provider)
  if (ask === undefined || ask.capacity === 0) return wattError('no_ask', { provider })
  if (piece.size < ask.minSize || piece.size > ask.maxSize)
    return wattError('ask_size', { provider, min: ask.minSize, max: ask.maxSize })
  if (piece.periods < ask.minPeriods || piece.periods > ask.maxPeriods)
    return wattError('ask_duration', { provider, min: ask.minPeriods, max: ask.maxPeriods })
  const acct = getProvider(d, provider)
  if (acct.used + piece.size > ask.capacity)
    return wattError('over_capacity', { provider, free: ask.capacity - acct.used })
  const total = termPrice(ask.price, piece.size, piece.periods, periodMsOf(d, p), d.config.dayLengthMs)
  const collateral = collateralFor(ask.collateral, piece.size)
  if (acct.free < collateral)
    return wattError('provider_collateral', {
      provider,
      need: collateral.toString(),
      free: acct.free.toString(),
    })
  return { provider, total, collateral, clientCollateral: clientCollateralOf(p, total) } satisfies Term
}

/** Why a piece's size, term or start deadline (after ledger `after`) is refused, if it is. */
export const pieceFault = (d: LedgerDraft, p: MarketParams, piece: Piece, after: number) => {
  if (piece.size < 1 || piece.size > p.maxSectorSize) return 'size'
  if (piece.periods < 1 || piece.periods > p.maxDealPeriods) return 'periods'
  if (piece.startBy <= after || piece.startBy > d.seq + p.maxStartLedgers) return 'start'
  return undefined
}

/** What the client locks for the replicas: escrow plus client collateral. */
export const lockedFor = (terms: readonly Term[]): bigint =>
  terms.reduce((s, t) => s + t.total + t.clientCollateral, 0n)

const checkDeal = (d: LedgerDraft, p: MarketParams, op: PublishDealOp, client: Address) => {
  const fault = pieceFault(d, p, op, d.seq)
  if (fault !== undefined) return wattError('bad_deal', { reason: fault })
  if (op.providers.length > p.maxReplicas) return wattError('bad_deal', { reason: 'replicas' })
  const providers = op.providers.map((k) => addressOf(k))
  if (new Set(providers).size !== providers.length) return wattError('duplicate_provider')
  if (providers.includes(client)) return wattError('bad_deal', { reason: 'self' })
  const terms: Term[] = []
  for (const a of providers) {
    const t = termOf(d, p, op, a)
    if ('code' in t) return t
    terms.push(t)
  }
  const sum = lockedFor(terms)
  if (sum > MAX_AMOUNT) return wattError('bad_deal', { reason: 'amount' })
  if ((d.getAccount(client)?.balance ?? 0n) < sum) return wattError('client_funds', { need: sum.toString() })
  return { terms, sum: sum as Amount }
}

const newReplica = (t: Term): Replica => ({
  provider: t.provider,
  state: 'proposed',
  total: t.total,
  escrow: t.total,
  paid: 0n,
  collateral0: t.collateral,
  collateral: t.collateral,
  clientCollateral: t.clientCollateral,
  sector: -1,
  windows: 0,
  faults: 0,
  consecutive: 0,
  reason: '',
})

/**
 * Writes a deal whose client funds (lockedFor(terms)) the module already holds: the deal and its
 * replicas, each provider's collateral free -> locked, the index lists. Returns the deal id.
 * publishDeal and the bid matcher (match.ts) both open deals here.
 */
export const openDeal = (
  d: LedgerDraft,
  client: Address,
  piece: Piece,
  terms: readonly Term[],
  bid: number,
): number => {
  const id = dataNumber(d, MARKET, keys.nextDeal)
  d.putData(MARKET, keys.nextDeal, id + 1)
  const { cid, commD, size, periods, startBy } = piece
  const deal: Deal = {
    client,
    cid,
    commD,
    size,
    periods,
    startBy,
    published: d.seq,
    replicas: terms.length,
    bid,
  }
  d.putData(MARKET, keys.deal(id), deal)
  terms.forEach((t, i) => {
    putReplica(d, id, i, newReplica(t))
    updateProvider(d, t.provider, (a) => ({ ...a, free: a.free - t.collateral, used: a.used + size }))
    appendToList(d, MARKET, keys.providerList(t.provider), `${id}/${i}`)
    appendToList(d, MARKET, keys.startList(startBy), `${id}/${i}`)
  })
  appendToList(d, MARKET, keys.cidList(cid), String(id))
  appendToList(d, MARKET, keys.clientList(client), String(id))
  return id
}

export const publishDeal: OpHandler<PublishDealOp, MarketParams, MarketCode> = {
  type: 'publishDeal',
  parse: (raw) =>
    parseFields('publishDeal', raw, {
      cid: 'cid',
      commD: { bytes: 32 },
      size: 'nat',
      periods: 'nat',
      startBy: 'nat',
      providers: { keys: 16 },
    }),
  apply: (d, op, ctx): WattError<MarketCode> | undefined => {
    const checked = checkDeal(d, ctx.params, op, ctx.source)
    if ('code' in checked) return checked
    const locked = lockInModule(d, MARKET, ctx.source, checked.sum)
    if (locked) return locked
    openDeal(d, ctx.source, op, checked.terms, -1)
    return undefined
  },
}
