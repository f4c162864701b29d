// Retrieval-checks tests' ledger: the market tests' MarketNet (real seals, 2-8 KiB sectors) with
// the checks module composed after the market, rounds of a few ledgers and small limits; long
// proving periods so an onboarded replica stays active for the rounds a test runs. Also the
// reference of the sampling written from the byte layout in docs/retrieval-checks.md with
// node:crypto, not the module's helpers, so the tests pin that layout.
import { createHash } from 'node:crypto'
import { watt } from '../../ledger/amount.ts'
import type { TestKey } from '../../ledger/test/fixtures.ts'
import { askOp, dealOp, onboardAll, publish, STD_ASK } from '../../market/test/flows.ts'
import { MarketNet } from '../../market/test/net.ts'
import { createRng } from '../../util/prng.ts'
import { retrievalChecksModule } from '../module.ts'

export const FEE = 100n
export const BOND = 1000n

export const SMALL_CHECKS = {
  roundLedgers: 8,
  samplesPerRound: 3,
  checkersPerSample: 3,
  quorum: 2,
  maxCheckers: 5,
  checkerBond: String(BOND),
  historyRounds: 2,
}

export const checksNet = (over: Partial<Record<keyof typeof SMALL_CHECKS, unknown>> = {}) =>
  new MarketNet(
    { provingPeriodLedgers: 256, windowLedgers: 128 },
    { modules: [retrievalChecksModule], params: { 'retrieval-checks': { ...SMALL_CHECKS, ...over } } },
  )

/** Publishes one deal per entry (its providers) and makes every replica active; the deals' CIDs. */
export const activeDeals = async (
  net: MarketNet,
  client: TestKey,
  deals: readonly (readonly TestKey[])[],
  seed = 1,
): Promise<string[]> => {
  const providers = [...new Set(deals.flat())]
  await net.fund([client, ...providers], watt(1000))
  await net.close(
    providers.map((p) => [p, [{ type: 'addCollateral', amount: 10_000_000n }, askOp(STD_ASK)] as never]),
  )
  const rng = createRng(seed)
  const sectors = new Map<string, number>()
  const list = []
  const cids = []
  for (const ps of deals) {
    const piece = rng.bytes(4096)
    const op = dealOp(net, piece, ps, { periods: 2 })
    const deal = await publish(net, client, op)
    cids.push(op.cid)
    for (const [replica, provider] of ps.entries()) {
      const sectorNumber = sectors.get(provider.address) ?? 0
      sectors.set(provider.address, sectorNumber + 1)
      list.push({ provider, at: { deal, replica, sectorNumber }, piece })
    }
  }
  await onboardAll(net, list)
  return cids
}

const sha = (...parts: (Uint8Array | string)[]): Uint8Array => {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}

const be32 = (n: number) => {
  const b = Buffer.alloc(4)
  b.writeUInt32BE(n)
  return b
}

const be48 = (h: Uint8Array, at: number) => Buffer.from(h).readUIntBE(at, 6)

/** Reference draws: [deal, replica, point] of draw j, from sha256(tag || seed || u32be(j)). */
export const refDraw = (seed: Uint8Array, j: number, deals: number, replicas: (deal: number) => number) => {
  const h = sha('watt/retrieval-check/sample/v1', seed, be32(j))
  const deal = be48(h, 0) % deals
  return [deal, be48(h, 6) % replicas(deal), be48(h, 12)] as const
}

/** Reference assignment: the k addresses with the lowest sha256(tag || seed || u32be(i) || address). */
export const refAssign = (seed: Uint8Array, i: number, eligible: readonly string[], k: number): string[] =>
  eligible
    .map((a) => ({ a, h: Buffer.from(sha('watt/retrieval-check/assign/v1', seed, be32(i), a)) }))
    .sort((x, y) => Buffer.compare(x.h, y.h))
    .slice(0, k)
    .map((x) => x.a)

export const join = { type: 'joinChecks' }
export const leave = { type: 'leaveChecks' }
export const reportOk = (round: number, sample: number, leaf: string) => ({
  type: 'reportCheck',
  round,
  sample,
  outcome: 'ok',
  leaf,
})
export const reportFailed = (round: number, sample: number) => ({
  type: 'reportCheck',
  round,
  sample,
  outcome: 'failed',
})
