// Market flows for tests, step by step as a provider's and a client's apps would run them.
import assert from 'node:assert/strict'
import { cidOfBytes, cidString } from '../../codec/dag-cbor.ts'
import type { TestKey } from '../../ledger/test/fixtures.ts'
import { pieceCommitment, windowOpen, windowPosition } from '../binding.ts'
import { MAX_PROOF_PART } from '../commit.ts'
import { marketModule } from '../module.ts'
import type { MarketNet } from './net.ts'
import { proveWindowFor, type SealedSector, sealDeal } from './prover.ts'

const R = marketModule.readers
const GIB = 1n << 30n

export const RAW = 0x55
/** A well-formed peer id for test asks. */
export const TEST_PEER = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'

/** Ask terms in whole units per byte-ish numbers: price and collateral per GiB. */
export const askOp = (o: {
  price: bigint
  collateral: bigint
  capacity: number
  maxSize?: number
  maxPeriods?: number
}) => ({
  type: 'postAsk',
  price: o.price,
  collateral: o.collateral,
  minSize: 1,
  maxSize: o.maxSize ?? 8192,
  minPeriods: 1,
  maxPeriods: o.maxPeriods ?? 100,
  capacity: o.capacity,
  peer: TEST_PEER,
})

/** The standard test ask: 10 units per byte per day, 1000 units of collateral per byte. */
export const STD_ASK = { price: 10n * GIB, collateral: 1000n * GIB, capacity: 1 << 20 }

export const offer = async (
  net: MarketNet,
  providers: readonly TestKey[],
  collateral: bigint,
  ask = STD_ASK,
) => {
  const res = await net.close(
    providers.map((p) => [p, [{ type: 'addCollateral', amount: collateral }, askOp(ask)] as never]),
  )
  assert.deepEqual(
    res.map((r) => r.code ?? ''),
    providers.map(() => ''),
  )
}

export const dealOp = (
  net: MarketNet,
  piece: Uint8Array,
  providers: readonly TestKey[],
  o: { periods?: number; startBy?: number; size?: number } = {},
) => ({
  type: 'publishDeal',
  cid: cidString(cidOfBytes(piece, RAW)),
  commD: pieceCommitment(net.params, piece),
  size: o.size ?? piece.length,
  periods: o.periods ?? 3,
  startBy: o.startBy ?? net.seq + 30,
  providers: providers.map((p) => p.pk),
})

/** Publishes a deal and returns its id. */
export const publish = async (
  net: MarketNet,
  client: TestKey,
  op: Record<string, unknown>,
): Promise<number> => {
  assert.equal(await net.op(client, op), '')
  return R.dealsByClient(net.state, client.address).at(-1)!.id
}

/** Seals a replica and pre-commits it (ticket: the last closed ledger). */
export const preCommit = async (
  net: MarketNet,
  provider: TestKey,
  at: { deal: number; replica: number; sectorNumber: number },
  piece: Uint8Array,
): Promise<{ sealed: SealedSector; seedSeq: number }> => {
  const ticketSeq = net.seq
  const sealed = sealDeal(net.params, {
    provider: provider.address,
    ...at,
    ticketHash: net.hashOf(ticketSeq),
    piece,
  })
  const code = await net.op(provider, { type: 'preCommit', ...at, ticketSeq, commR: sealed.commR })
  assert.equal(code, '')
  return { sealed, seedSeq: net.seq + net.params.sealDelay }
}

/** The proveCommit operations carrying `proof` in parts. */
export const proofParts = (at: { deal: number; replica: number }, proof: Uint8Array) => {
  const ops = []
  for (let off = 0, part = 0; off < proof.length; off += MAX_PROOF_PART, part++) {
    const bytes = proof.subarray(off, off + MAX_PROOF_PART)
    ops.push({ type: 'proveCommit', ...at, part, bytes, last: off + MAX_PROOF_PART >= proof.length })
  }
  return ops
}

export interface Onboarding {
  readonly provider: TestKey
  readonly at: { deal: number; replica: number; sectorNumber: number }
  readonly piece: Uint8Array
}

/** Pre-commits each replica, waits for the seeds, proves the seals (as few ledgers as allowed). */
export const onboardAll = async (net: MarketNet, list: readonly Onboarding[]): Promise<SealedSector[]> => {
  const pending = []
  for (const o of list) pending.push({ o, ...(await preCommit(net, o.provider, o.at, o.piece)) })
  await net.closeUntil(Math.max(...pending.map((x) => x.seedSeq)))
  // at most maxSealVerifiesPerLedger seal proofs complete in one ledger
  const per = net.params.maxSealVerifiesPerLedger
  for (let from = 0; from < pending.length; from += per) {
    const txs = pending
      .slice(from, from + per)
      .flatMap(({ o, sealed, seedSeq }) =>
        proofParts({ deal: o.at.deal, replica: o.at.replica }, sealed.prove(net.hashOf(seedSeq))).map(
          (op) => [o.provider, [op as never]] as [TestKey, never[]],
        ),
      )
    const res = await net.close(txs)
    assert.deepEqual(
      res.map((r) => r.code ?? ''),
      res.map(() => ''),
    )
  }
  return pending.map((x) => x.sealed)
}

export const onboard = async (net: MarketNet, provider: TestKey, at: Onboarding['at'], piece: Uint8Array) =>
  (await onboardAll(net, [{ provider, at, piece }]))[0]!

/** The submitWindowPost op for `sectors` (one position) in `period`, built on the chain so far. */
export const windowPostOp = (
  net: MarketNet,
  provider: TestKey,
  period: number,
  sectors: readonly SealedSector[],
) => {
  const pos = windowPosition(net.params, sectors[0]!.replica.sectorNumber)
  const open = windowOpen(net.params, period, pos)
  const w = { randomness: net.hashOf(open), prevDigest: R.chainDigest(net.state, provider.address, pos) }
  return {
    type: 'submitWindowPost',
    period,
    sectors: sectors.map((s) => s.replica.sectorNumber),
    proof: proveWindowFor(net.params, w, sectors),
  }
}

/** Waits for the window to open, then submits its proof in the next ledger; the result code. */
export const proveDue = async (
  net: MarketNet,
  provider: TestKey,
  period: number,
  sectors: readonly SealedSector[],
) => {
  const pos = windowPosition(net.params, sectors[0]!.replica.sectorNumber)
  await net.closeUntil(windowOpen(net.params, period, pos))
  return net.op(provider, windowPostOp(net, provider, period, sectors))
}
