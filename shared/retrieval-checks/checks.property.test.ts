// Seeded random rounds of retrieval checks on a real ledger (three deals of two active replicas,
// three providers) against a reference model written here from docs/retrieval-checks.md. Each run
// draws the parameters (checkers per sample, quorum, rounds of history), a pool of six volunteers
// that join and leave between rounds (one sometimes joining in the draw ledger itself), providers
// up or down per round, and each checker's behaviour per round: honest (the sample's leaf while its
// provider is up, else 'failed'), lying with one of two wrong leaves, lying 'failed', or absent.
// After every draw: the assigned checkers are registered before the draw ledger, never the
// provider, as many as there are eligible up to k; a checker not assigned, or a report for a
// round that is not live, is refused (changing no data). After every tally: each provider's
// (tried, succeeded) equals the reference's quorum-and-strict-majority counts over the history
// rounds. In every round: total supply equals the cap, and the module holds exactly one bond per
// registered checker.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { cidOfBytes, cidString } from '../codec/dag-cbor.ts'
import { totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import { RAW } from '../market/test/flows.ts'
import type { MarketNet } from '../market/test/net.ts'
import { utf8 } from '../util/bytes.ts'
import { retrievalChecksModule } from './module.ts'
import { activeDeals, BOND, checksNet, join, leave, reportFailed, reportOk } from './test/net.ts'

const seed = Number(process.env.SEED ?? 1414)
const RUNS = Number(process.env.RUNS ?? 5)
console.log(`retrieval-checks property seed=${seed} runs=${RUNS} (replay with SEED=${seed})`)

const R = retrievalChecksModule.readers
const M = 'retrieval-checks'
const ROUND = 8
const POOL = 6
const [client, p0, p1, p2] = [700, 701, 702, 703].map(testKey) as [TestKey, TestKey, TestKey, TestKey]
const providers = [p0, p1, p2]
const pool = Array.from({ length: POOL }, (_, i) => testKey(710 + i))
/** Two CIDs no deal has: the lies a checker may tell about a leaf. */
const WRONG = ['lie 0', 'lie 1'].map((t) => cidString(cidOfBytes(utf8(t), RAW)))

type Behaviour = 'honest' | 'wrongLeaf' | 'failed' | 'absent'
const roundSpec = fc.record({
  toggle: fc.array(fc.boolean(), { minLength: POOL, maxLength: POOL }),
  lateJoin: fc.boolean(),
  down: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  behaviour: fc.array(fc.constantFrom<Behaviour>('honest', 'honest', 'wrongLeaf', 'failed', 'absent'), {
    minLength: POOL,
    maxLength: POOL,
  }),
  lie: fc.array(fc.nat(1), { minLength: POOL, maxLength: POOL }),
})
const runSpec = fc
  .record({ k: fc.integer({ min: 1, max: 4 }), q: fc.nat(3), history: fc.integer({ min: 1, max: 3 }) })
  .chain((p) =>
    fc.record({
      k: fc.constant(p.k),
      quorum: fc.constant(1 + (p.q % p.k)),
      history: fc.constant(p.history),
      rounds: fc.array(roundSpec, { minLength: 2, maxLength: 4 }),
    }),
  )
type RunSpec = typeof runSpec extends fc.Arbitrary<infer T> ? T : never
type RoundSpec = RunSpec['rounds'][number]

/** The reference verdict: quorum reports, then an answer a strict majority of them gave. */
const refVerdict = (answers: readonly string[], quorum: number): 'ok' | 'failed' | undefined => {
  if (answers.length === 0 || answers.length < quorum) return undefined
  const top = answers.find((a) => 2 * answers.filter((b) => b === a).length > answers.length)
  return top === undefined ? undefined : top === 'failed' ? 'failed' : 'ok'
}

/** The reference model: who is registered (and since when), and every round's sampled answers. */
interface Model {
  readonly registered: Map<string, number>
  readonly rounds: { round: number; samples: { provider: string; answers: string[] }[] }[]
}

/** The reference rates: the decided samples of the tallied rounds in [live - history, live). */
const refRate = (m: Model, provider: string, live: number, spec: RunSpec) => {
  let [tried, succeeded] = [0, 0]
  for (const r of m.rounds)
    if (r.round >= live - spec.history && r.round < live)
      for (const s of r.samples) {
        const v = s.provider === provider ? refVerdict(s.answers, spec.quorum) : undefined
        if (v) [tried, succeeded] = [tried + 1, succeeded + (v === 'ok' ? 1 : 0)]
      }
  return { tried, succeeded }
}

const checkMoney = (net: MarketNet, m: Model, ctx: string) => {
  assert.equal(totalSupply(net.state), net.env.config.supplyCap, `supply ${ctx}`)
  assert.equal(R.held(net.state), BigInt(m.registered.size) * BOND, `bonds held ${ctx}`)
  assert.deepEqual(R.checkers(net.state).sort(), [...m.registered.keys()].sort(), `checkers ${ctx}`)
}

/** Joins and leaves before the draw ledger `D`, and maybe one join in `D` itself. */
const changeMembers = async (net: MarketNet, m: Model, r: RoundSpec, D: number) => {
  const toggled = pool.filter((_, i) => r.toggle[i])
  const res = await net.close(
    toggled.map((k) => [k, [(m.registered.has(k.address) ? leave : join) as never]]),
  )
  assert.ok(res.every((x) => x.ok))
  for (const k of toggled)
    if (m.registered.has(k.address)) m.registered.delete(k.address)
    else m.registered.set(k.address, net.seq)
  await net.closeUntil(D - 1)
  const late = r.lateJoin ? pool.find((k) => !m.registered.has(k.address)) : undefined
  if (late) assert.equal(await net.op(late, join), '')
  if (late) m.registered.set(late.address, net.seq)
  await net.closeUntil(D)
}

/** Each drawn sample's checkers: eligible (registered before D), never its provider, up to k of them. */
const checkAssignment = (net: MarketNet, m: Model, spec: RunSpec, D: number) => {
  const eligible = [...m.registered].filter(([, joined]) => joined < D).map(([a]) => a)
  for (const s of R.samples(net.state)) {
    const others = eligible.filter((a) => a !== s.provider)
    assert.ok(
      s.checkers.every((a) => others.includes(a)),
      `sample ${s.index}: ${s.checkers} not within ${others}`,
    )
    assert.equal(new Set(s.checkers).size, Math.min(spec.k, others.length), `sample ${s.index}`)
  }
}

/** What checker `i` answers for sample `s` this round (undefined: it stays away). */
const answerOf = (r: RoundSpec, i: number, up: boolean, leaf: string): string | undefined => {
  const b = r.behaviour[i]!
  if (b === 'absent') return undefined
  if (b === 'failed') return 'failed'
  return b === 'wrongLeaf' ? WRONG[r.lie[i]!]! : up ? leaf : 'failed'
}

/** Every assigned checker's reports in one transaction each; the model records the answers. */
const report = async (net: MarketNet, m: Model, r: RoundSpec, cids: readonly string[], round: number) => {
  const samples = R.samples(net.state)
  const rec = samples.map((s) => ({ provider: s.provider, answers: [] as string[] }))
  const txs: [TestKey, never[]][] = []
  for (const [i, k] of pool.entries()) {
    const ops = samples.flatMap((s) => {
      if (!s.checkers.includes(k.address)) return []
      const up = !r.down[providers.findIndex((p) => p.address === s.provider)]
      const a = answerOf(r, i, up, cids[s.deal]!)
      if (a !== undefined) rec[s.index]!.answers.push(a)
      return a === undefined
        ? []
        : [(a === 'failed' ? reportFailed(round, s.index) : reportOk(round, s.index, a)) as never]
    })
    if (ops.length > 0) txs.push([k, ops])
  }
  assert.ok((await net.close(txs)).every((x) => x.ok))
  m.rounds.push({ round, samples: rec })
}

/** Reports a checker may not make: not assigned, a round not live, a sample not drawn. */
const refusals = async (net: MarketNet, round: number) => {
  const [s] = R.samples(net.state)
  if (s === undefined) return
  const outsider = [...pool, client].find((k) => !s.checkers.includes(k.address))!
  assert.equal(await net.probe(outsider, reportFailed(round, 0), M), 'not_assigned')
  const assigned = pool.find((k) => s.checkers.includes(k.address))
  if (!assigned) return
  assert.equal(await net.probe(assigned, reportFailed(round + 1, 0), M), 'wrong_round', 'early')
  assert.equal(await net.probe(assigned, reportFailed(round - 1, 0), M), 'wrong_round', 'late')
}

const run = async (spec: RunSpec) => {
  const net = checksNet({
    checkersPerSample: spec.k,
    quorum: spec.quorum,
    historyRounds: spec.history,
    maxCheckers: POOL,
  })
  const cids = await activeDeals(net, client, [
    [p0, p1],
    [p1, p2],
    [p2, p0],
  ])
  await net.fund(pool, 100_000n as never)
  const m: Model = { registered: new Map(), rounds: [] }
  for (const r of spec.rounds) {
    const D = Math.ceil((net.seq + 3) / ROUND) * ROUND
    await changeMembers(net, m, r, D)
    const round = D / ROUND
    for (const p of providers)
      assert.deepEqual(
        R.retrievalSuccessRate(net.state, p.address),
        refRate(m, p.address, round, spec),
        `round ${round}`,
      )
    checkAssignment(net, m, spec, D)
    await report(net, m, r, cids, round)
    await refusals(net, round)
    assert.ok(net.seq < D + ROUND, 'all inside the round')
    checkMoney(net, m, `round ${round}`)
  }
  await net.closeUntil(Math.ceil((net.seq + 1) / ROUND) * ROUND)
  const live = net.seq / ROUND
  for (const p of providers)
    assert.deepEqual(R.retrievalSuccessRate(net.state, p.address), refRate(m, p.address, live, spec), 'final')
  return m
}

test('random checkers, reports and rounds: rates as the reference tallies them, bonds conserved, refusals', async () => {
  let decided = 0
  await fc.assert(
    fc.asyncProperty(runSpec, async (spec) => {
      const m = await run(spec)
      decided += m.rounds.flatMap((r) => r.samples).filter((s) => refVerdict(s.answers, spec.quorum)).length
    }),
    { seed, numRuns: RUNS },
  )
  assert.ok(decided > 0, 'some samples were decided')
})
