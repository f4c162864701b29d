// Every retrieval-checks operation on a real ledger (issue 15, item 5), with real active replicas
// (two deals, three providers): checkers join (the bond locked), the round's first ledger draws
// the samples and their checkers exactly as the node:crypto reference in test/net.ts computes them
// from the previous header (the provider is never its own checker; a checker that joined in the
// draw ledger itself is not eligible), assigned checkers report, the next round tallies by
// majority (hand-worked: one sample retrieved, one failed, one below quorum), the success rates
// follow and fall out of the window, and leaving gives the bond back. Then every refusal, each
// changing no module data. Every transaction pays a fee of 100; the bond is 1000.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import type { MarketNet } from '../market/test/net.ts'
import { retrievalChecksModule } from './module.ts'
import {
  activeDeals,
  BOND,
  checksNet,
  FEE,
  join,
  leave,
  refAssign,
  refDraw,
  reportFailed,
  reportOk,
} from './test/net.ts'

const R = retrievalChecksModule.readers
const M = 'retrieval-checks'
const balance = (net: MarketNet, k: TestKey) => getAccount(net.state, k.address)!.balance
const keys = [600, 601, 602, 603, 610, 611, 612, 613, 614, 615].map(testKey)
const [client, p0, p1, p2, c1, c2, c3, c4, c5, poor] = keys as [TestKey, ...TestKey[]] as TestKey[] as [
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
  TestKey,
]
const START = 100_000n
const ROUND = 8

/** The samples the reference expects from the draw in ledger `seq`: 2 deals of 2 active replicas. */
const expectedSamples = (net: MarketNet, seq: number, eligible: readonly TestKey[]) => {
  const seed = net.hashOf(seq - 1) // the previous header: ledger seq - 1's hash
  const providers = [
    [p0, p1],
    [p1, p2],
  ] as const
  const out: { deal: number; replica: number; provider: string; point: number; checkers: string[] }[] = []
  for (let j = 0; j < 12 && out.length < 3; j++) {
    const [deal, replica, point] = refDraw(seed, j, 2, () => 2)
    if (out.some((s) => s.deal === deal && s.replica === replica)) continue
    const provider = providers[deal]![replica]!.address
    const others = eligible.map((k) => k.address).filter((a) => a !== provider)
    out.push({ deal, replica, provider, point, checkers: refAssign(seed, out.length, others, 3) })
  }
  return out
}

const setup = async () => {
  const net = checksNet()
  const cids = await activeDeals(net, client, [
    [p0, p1],
    [p1, p2],
  ])
  await net.fund([c1, c2, c3, c4, c5], START as never)
  await net.fund([poor], 500n as never)
  return { net, cids }
}

test('checkers join, a round is drawn from ledger randomness, reported, tallied by majority; bonds go back', async () => {
  const { net, cids } = await setup()
  const pBefore = balance(net, p0)
  const res = await net.close([c1, c2, c3, p0].map((k) => [k, [join as never]]))
  assert.ok(res.every((r) => r.ok))
  assert.equal(balance(net, c1), START - FEE - BOND)
  assert.equal(balance(net, p0), pBefore - FEE - BOND)
  assert.equal(R.held(net.state), 4n * BOND)
  assert.deepEqual(
    R.checkers(net.state),
    [c1, c2, c3, p0].map((k) => k.address),
  )

  const D = Math.ceil((net.seq + 1) / ROUND) * ROUND
  await net.closeUntil(D - 1)
  assert.equal(await net.op(c4, join), '', 'joins in the draw ledger itself: not eligible this round')
  assert.equal(net.seq, D)
  const round = D / ROUND
  const want = expectedSamples(net, D, [c1, c2, c3, p0])
  assert.equal(want.length, 3)
  assert.deepEqual(R.liveRound(net.state), { round, samples: 3 })
  assert.deepEqual(
    R.samples(net.state).map((s) => ({
      deal: s.deal,
      replica: s.replica,
      provider: s.provider,
      point: s.point,
      checkers: s.checkers,
    })),
    want,
  )
  assert.ok(R.samples(net.state).every((s, i) => s.cid === cids[s.deal] && s.index === i))
  for (const s of want) assert.ok(!s.checkers.includes(s.provider), 'a provider never checks itself')
  assert.deepEqual(R.checksFor(net.state, c4.address, round), [])
  assert.deepEqual(
    R.checksFor(net.state, c1.address, round).map((s) => s.index),
    want.flatMap((s, i) => (s.checkers.includes(c1.address) ? [i] : [])),
  )
  assert.deepEqual(R.checksFor(net.state, c1.address, round + 1), [])

  // sample 0: every checker retrieved the same leaf; sample 1: two failed, one ok; sample 2: one report
  const byAddr = new Map<string, TestKey>([c1, c2, c3, p0].map((k) => [k.address, k]))
  const txs: [TestKey, never[]][] = []
  for (const a of want[0]!.checkers) txs.push([byAddr.get(a)!, [reportOk(round, 0, cids[0]!) as never]])
  for (const [i, a] of want[1]!.checkers.entries()) {
    const op = i < 2 ? reportFailed(round, 1) : reportOk(round, 1, cids[1]!)
    txs.push([byAddr.get(a)!, [op as never]])
  }
  txs.push([byAddr.get(want[2]!.checkers[0]!)!, [reportOk(round, 2, cids[0]!) as never]])
  // one transaction per account per ledger: spread them over ledgers
  for (const t of txs) assert.equal(await net.op(t[0], t[1][0]!), '')
  assert.ok(net.seq < D + ROUND, 'reports all inside the round')
  assert.deepEqual(R.samples(net.state)[2]!.reports, { [want[2]!.checkers[0]!]: cids[0] })

  await net.closeUntil(D + ROUND)
  assert.deepEqual(net.ledgers.at(-1)!.header.moduleTotals[M], {
    samples: BigInt(expectedSamples(net, D + ROUND, [c1, c2, c3, p0, c4]).length),
    decided: 2n,
    succeeded: 1n,
  })
  const rate = (k: TestKey) => R.retrievalSuccessRate(net.state, k.address)
  const expectRate = (provider: string) => ({
    tried: [0, 1].filter((i) => want[i]!.provider === provider).length,
    succeeded: want[0]!.provider === provider ? 1 : 0,
  })
  for (const p of [p0, p1, p2]) assert.deepEqual(rate(p), expectRate(p.address), p.address)
  assert.equal(
    await net.probe(c1, reportOk(round, 0, cids[0]!), M),
    'wrong_round',
    'late: its round was tallied',
  )
  await net.closeUntil(D + 3 * ROUND)
  for (const p of [p0, p1, p2])
    assert.deepEqual(rate(p), { tried: 0, succeeded: 0 }, 'out of the 2-round window')

  const b = balance(net, c1)
  assert.equal(await net.op(c1, leave), '')
  assert.equal(balance(net, c1), b - FEE + BOND)
  assert.equal(R.held(net.state), 4n * BOND)
  assert.equal(R.checker(net.state, c1.address), undefined)
  assert.deepEqual(
    R.checkers(net.state),
    [c2, c3, p0, c4].map((k) => k.address),
  )
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('every refusal changes no checks data', async () => {
  const { net, cids } = await setup()
  assert.ok((await net.close([c1, c2, c3, c4].map((k) => [k, [join as never]]))).every((r) => r.ok))
  assert.equal(await net.probe(c1, join, M), 'already_checker')
  assert.equal(await net.probe(poor, join, M), 'insufficient_balance')
  assert.equal(await net.op(p0, join), '')
  assert.equal(await net.probe(c5, join, M), 'checker_limit')
  assert.equal(await net.probe(c5, leave, M), 'not_checker')
  assert.equal(await net.probe(c1, reportOk(0, 0, cids[0]!), M), 'wrong_round', 'no round drawn yet')
  const D = Math.ceil((net.seq + 1) / ROUND) * ROUND
  assert.equal(await net.probe(c1, reportOk(D / ROUND, 0, cids[0]!), M), 'wrong_round', 'before the draw')
  await net.closeUntil(D)
  const round = D / ROUND
  const [s0] = R.samples(net.state)
  const assigned = [c1, c2, c3, c4, p0].find((k) => s0!.checkers.includes(k.address))!
  const other = [c1, c2, c3, c4, p0].find((k) => !s0!.checkers.includes(k.address))!
  assert.equal(await net.probe(assigned, reportOk(round + 1, 0, cids[0]!), M), 'wrong_round', 'early')
  assert.equal(await net.probe(assigned, reportOk(round, 3, cids[0]!), M), 'unknown_sample')
  assert.equal(await net.probe(other, reportFailed(round, 0), M), 'not_assigned')
  assert.equal(await net.op(assigned, reportFailed(round, 0)), '')
  assert.equal(await net.probe(assigned, reportOk(round, 0, cids[0]!), M), 'already_reported')
})

test('the report parser takes exact shapes only', () => {
  const parse = retrievalChecksModule.operations.find((h) => h.type === 'reportCheck')!.parse
  const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
  const field = (raw: Record<string, unknown>) => {
    const r = parse({ type: 'reportCheck', round: 1, sample: 0, ...raw })
    return r.ok ? 'ok' : ((r.error as { field?: string }).field ?? 'shape')
  }
  assert.equal(field({ outcome: 'ok', leaf: cid }), 'ok')
  assert.equal(field({ outcome: 'failed' }), 'ok')
  assert.equal(field({ outcome: 'maybe' }), 'outcome')
  assert.equal(field({ outcome: 'ok' }), 'shape', 'ok without its leaf')
  assert.equal(field({ outcome: 'failed', leaf: cid }), 'shape', 'failed with a leaf')
  assert.equal(field({ outcome: 'ok', leaf: 'not a cid' }), 'leaf')
  assert.equal(field({ outcome: 'ok', leaf: cid, round: -1 }), 'round')
  assert.equal(field({ outcome: 'failed', sample: 1.5 }), 'sample')
  const j = retrievalChecksModule.operations.find((h) => h.type === 'joinChecks')!.parse
  assert.equal(j({ type: 'joinChecks' }).ok, true)
  assert.equal(j({ type: 'joinChecks', bond: 1 }).ok, false)
})
