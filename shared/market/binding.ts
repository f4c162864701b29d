// What ties a sector on the ledger to today's sealing code (shared/storage): the seal parameters
// a deal's sector uses, the ticket bound to the deal and replica, the replica id the sealer and
// every validator derive, and the window a sector is proven in. Providers' workers call the same
// functions, so what they seal is what the ledger checks.
import { parseAddress } from '../crypto/address.ts'
import { noble256, type Sha256 } from '../storage/hash.ts'
import { DEFAULT_POST, type PostParams, type SealParams, sealParams } from '../storage/params.ts'
import { tag, u32be, u64be } from '../storage/proof-bytes.ts'
import { commDOf, replicaIdOf } from '../storage/sealing.ts'
import { type MarketParams, windowsPerPeriod } from './params.ts'
import { sectorSizeFor } from './pricing.ts'

/** The ledger's hash: pure JS, synchronous, the same bytes as the provers' WebAssembly one. */
export const ledgerHash: Sha256 = noble256

const TICKET_TAG = tag('market-ticket')

export const dealSealParams = (p: MarketParams, size: number): SealParams =>
  sealParams({ sectorSize: sectorSizeFor(p, size), layers: p.sealLayers, sealChallenges: p.sealChallenges })

export const marketPostParams = (p: MarketParams): PostParams => ({
  ...DEFAULT_POST,
  challengesPerSector: p.postChallenges,
})

/** H(tag, ledger header hash, deal id, replica index): the ticket sealed under, bound to the deal. */
export const dealTicket = (
  headerHash: Uint8Array,
  deal: number,
  replica: number,
  hash: Sha256 = ledgerHash,
) => hash(TICKET_TAG, headerHash, u64be(deal), u32be(replica))

/** The public key bytes of an account address (valid addresses only: those the ledger stored). */
export const providerKey = (address: string): Uint8Array => {
  const k = parseAddress(address)
  if (!k.ok) throw new TypeError('not an address')
  return k.value
}

export const marketReplicaId = (
  provider: string,
  sectorNumber: number,
  ticket: Uint8Array,
  commD: Uint8Array,
  hash: Sha256 = ledgerHash,
): Uint8Array => replicaIdOf({ provider: providerKey(provider), sectorNumber, ticket, commD }, hash)

/** A sector's window position in every proving period. */
export const windowPosition = (p: MarketParams, sectorNumber: number): number =>
  sectorNumber % windowsPerPeriod(p)

/** The ledger window (period, position) opens at; its challenges are that ledger's header hash. */
export const windowOpen = (p: MarketParams, period: number, pos: number): number =>
  period * p.provingPeriodLedgers + pos * p.windowLedgers

/** The last ledger a window's proof may be in. */
export const windowDeadline = (p: MarketParams, period: number, pos: number): number =>
  windowOpen(p, period, pos) + p.windowLedgers

/** The first period whose window at `pos` opens after ledger `seq`. */
export const firstPeriodAfter = (p: MarketParams, seq: number, pos: number): number => {
  const offset = pos * p.windowLedgers
  return seq < offset ? 0 : Math.floor((seq - offset) / p.provingPeriodLedgers) + 1
}

/** The period of the window at `pos` still to be settled at ledger `seq` (its deadline >= seq). */
export const pendingPeriod = (p: MarketParams, seq: number, pos: number, first: number): number => {
  const k = Math.ceil((seq - pos * p.windowLedgers - p.windowLedgers) / p.provingPeriodLedgers)
  return Math.max(first, k)
}

/** A deal's piece zero-padded to its sector: what the provider seals and CommD commits to. */
export const paddedPiece = (p: MarketParams, piece: Uint8Array): Uint8Array => {
  const out = new Uint8Array(sectorSizeFor(p, piece.length))
  out.set(piece)
  return out
}

/** CommD of a piece, as the client names it in publishDeal and the provider checks on arrival. */
export const pieceCommitment = (p: MarketParams, piece: Uint8Array, hash: Sha256 = ledgerHash): Uint8Array =>
  commDOf(dealSealParams(p, piece.length), paddedPiece(p, piece), hash)
