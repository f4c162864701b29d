// Window PoSt on the ledger. A sector's window in period k opens at ledger
// k x provingPeriodLedgers + position x windowLedgers (position = sector number mod windows per
// period); its challenges come from that ledger's header hash and the provider's chain digest for
// the position (shared/storage post.ts), and its proof must be in one of the next windowLedgers
// ledgers. submitWindowPost proves some of the provider's sectors of one window at once;
// declareFault marks sectors faulty (or not) for their next window before it opens.
import type { LedgerDraft } from '../ledger/draft.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { chainStart, type SectorPublic, verifyWindow, windowDigest } from '../storage/post.ts'
import { type WattError, wattError } from '../util/errors.ts'
import {
  ledgerHash,
  marketPostParams,
  pendingPeriod,
  providerKey,
  windowDeadline,
  windowOpen,
  windowPosition,
} from './binding.ts'
import type { MarketCode } from './codes.ts'
import { MAX_PROOF_PART } from './commit.ts'
import type { MarketParams } from './params.ts'
import { sectorSizeFor } from './pricing.ts'
import {
  getDeal,
  getReplica,
  getSector,
  keys,
  MARKET,
  putSector,
  randomnessAt,
  type Sector,
} from './store.ts'
import { parseFields } from './wire.ts'

/** Sectors one window proof or declaration names at most. */
export const MAX_POST_SECTORS = 16

export interface SubmitWindowPostOp {
  readonly type: 'submitWindowPost'
  readonly period: number
  readonly sectors: readonly number[]
  readonly proof: Uint8Array
}
export interface DeclareFaultOp {
  readonly type: 'declareFault'
  readonly sectors: readonly number[]
  readonly faulty: boolean
}

const distinct = (o: Record<string, unknown>) =>
  new Set(o.sectors as number[]).size === (o.sectors as number[]).length ? undefined : 'sectors'

/** A live sector of the provider with its public data, or the refusal. */
const liveSector = (
  d: LedgerDraft,
  p: MarketParams,
  provider: string,
  n: number,
): { sector: Sector; pub: SectorPublic } | WattError<MarketCode> => {
  const sector = getSector(d, provider, n)
  if (sector === undefined) return wattError('unknown_sector', { sector: n })
  const rep = getReplica(d, sector.deal, sector.replica)!
  if (rep.state !== 'active' && rep.state !== 'faulty') return wattError('bad_state', { state: rep.state })
  const size = sectorSizeFor(p, getDeal(d, sector.deal)!.size)
  return { sector, pub: { sectorNumber: n, sectorSize: size, commR: sector.commR } }
}

/** The chain digest a provider's next window proof at `pos` builds on. */
export const chainDigest = (d: Pick<LedgerDraft, 'getData'>, provider: string, pos: number): Uint8Array =>
  (d.getData(MARKET, keys.chain(provider, pos)) as Uint8Array | undefined) ??
  chainStart(providerKey(provider), pos, ledgerHash)

export const submitWindowPost: OpHandler<SubmitWindowPostOp, MarketParams, MarketCode> = {
  type: 'submitWindowPost',
  parse: (raw) =>
    parseFields(
      'submitWindowPost',
      raw,
      { period: 'nat', sectors: { nats: MAX_POST_SECTORS }, proof: { maxBytes: MAX_PROOF_PART } },
      distinct,
    ),
  apply: (d, op, ctx) => {
    const p = ctx.params
    const pos = windowPosition(p, op.sectors[0]!)
    if (op.sectors.some((n) => windowPosition(p, n) !== pos))
      return wattError('wrong_window', { reason: 'position' })
    const open = windowOpen(p, op.period, pos)
    if (d.seq <= open) return wattError('window_not_open', { opens: open })
    if (d.seq > windowDeadline(p, op.period, pos)) return wattError('post_late')
    const found: { n: number; sector: Sector; pub: SectorPublic }[] = []
    for (const n of op.sectors) {
      const s = liveSector(d, p, ctx.source, n)
      if ('code' in s) return s
      if (s.sector.firstPeriod > op.period) return wattError('wrong_window', { reason: 'before_activation' })
      if (s.sector.proven === op.period) return wattError('already_proven', { sector: n })
      found.push({ n, ...s })
    }
    // open < seq <= open + windowLedgers: the ring holds the opening ledger's header hash
    const randomness = randomnessAt(d, open)
    if (randomness === undefined) return wattError('wrong_window', { reason: 'before_activation' })
    const w = { randomness, prevDigest: chainDigest(d, ctx.source, pos) }
    if (
      !verifyWindow(
        marketPostParams(p),
        w,
        found.map((f) => f.pub),
        op.proof,
        ledgerHash,
      )
    )
      return wattError('bad_post')
    d.putData(MARKET, keys.chain(ctx.source, pos), windowDigest(w, op.proof, ledgerHash))
    for (const f of found) putSector(d, ctx.source, f.n, { ...f.sector, proven: op.period, declared: false })
    return undefined
  },
}

export const declareFault: OpHandler<DeclareFaultOp, MarketParams, MarketCode> = {
  type: 'declareFault',
  parse: (raw) =>
    parseFields('declareFault', raw, { sectors: { nats: MAX_POST_SECTORS }, faulty: 'bool' }, distinct),
  apply: (d, op, ctx) => {
    const p = ctx.params
    for (const n of op.sectors) {
      const s = liveSector(d, p, ctx.source, n)
      if ('code' in s) return s
      const pos = windowPosition(p, n)
      const k = pendingPeriod(p, d.seq, pos, s.sector.firstPeriod)
      if (d.seq > windowOpen(p, k, pos)) return wattError('wrong_window', { reason: 'open' })
      putSector(d, ctx.source, n, { ...s.sector, declared: op.faulty })
    }
    return undefined
  },
}
