// Which replicas are checked this round and by whom (docs/retrieval-checks.md, "Sampling"): a
// function of the round's seed (the header hash of the ledger before the draw) and the ledger
// data only. Nobody picks a sample: draw j hashes the seed and j into a deal id, a replica index
// and a point in the file; a draw that lands on a replica not active, or on one already drawn,
// is skipped (at most 4 draws per sample, so work is bounded). Each sample then gets the k
// eligible checkers with the lowest H(seed, sample, checker): the provider is never among its own
// checkers, and a checker that joined once the seed was known is not eligible, so nobody can grind
// an address into a sample it wants.
import type { Address } from '../crypto/address.ts'
import { dataNumber, type DataReader } from '../ledger/lists.ts'
import { getDeal, getReplica, keys as marketKeys, MARKET } from '../market/store.ts'
import { compareBytes, concatBytes, utf8 } from '../util/bytes.ts'
import { sha256Small } from '../util/sha256.ts'

export const SAMPLE_TAG = 'watt/retrieval-check/sample/v1'
export const ASSIGN_TAG = 'watt/retrieval-check/assign/v1'
/** Draws tried per wanted sample at most. */
export const DRAWS_PER_SAMPLE = 4

export interface Drawn {
  readonly deal: number
  readonly replica: number
  readonly provider: Address
  readonly cid: string
  readonly point: number
}

const u32be = (n: number): Uint8Array => {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n)
  return b
}

/** The big-endian 48-bit number at `at` (a safe integer). */
const u48 = (h: Uint8Array, at: number): number => {
  let x = 0
  for (let i = 0; i < 6; i++) x = x * 256 + h[at + i]!
  return x
}

/** Draw j: sha256(SAMPLE_TAG || seed || u32be(j)) -> deal, replica, point (docs). */
const draw = (d: DataReader, seed: Uint8Array, j: number, deals: number): Drawn | undefined => {
  const h = sha256Small(concatBytes(utf8(SAMPLE_TAG), seed, u32be(j)))
  const dealId = u48(h, 0) % deals
  const deal = getDeal(d, dealId)
  if (deal === undefined || deal.replicas === 0) return undefined
  const replica = u48(h, 6) % deal.replicas
  const r = getReplica(d, dealId, replica)
  if (r?.state !== 'active') return undefined
  return { deal: dealId, replica, provider: r.provider, cid: deal.cid, point: u48(h, 12) }
}

/** Up to `wanted` distinct active replicas drawn from the seed. */
export const drawSamples = (d: DataReader, seed: Uint8Array, wanted: number): Drawn[] => {
  const deals = dataNumber(d, MARKET, marketKeys.nextDeal)
  const out: Drawn[] = []
  if (deals === 0) return out
  const seen = new Set<string>()
  for (let j = 0; j < wanted * DRAWS_PER_SAMPLE && out.length < wanted; j++) {
    const s = draw(d, seed, j, deals)
    if (s === undefined || seen.has(`${s.deal}/${s.replica}`)) continue
    seen.add(`${s.deal}/${s.replica}`)
    out.push(s)
  }
  return out
}

/** The k checkers with the lowest sha256(ASSIGN_TAG || seed || u32be(sample) || utf8(address)). */
export const assignCheckers = (
  seed: Uint8Array,
  sample: number,
  eligible: readonly Address[],
  provider: Address,
  k: number,
): Address[] => {
  const prefix = concatBytes(utf8(ASSIGN_TAG), seed, u32be(sample))
  return eligible
    .filter((a) => a !== provider)
    .map((a) => ({ a, score: sha256Small(concatBytes(prefix, utf8(a))) }))
    .sort((x, y) => compareBytes(x.score, y.score))
    .slice(0, k)
    .map((x) => x.a)
}
