// The storage market in the simulator (real SCP, ledger and proofs): honest, crashing, silent and
// lying providers on a few seeds. The checkers (market ones included) must pass on every ledger of
// every node, and each replica must end as the rules of docs/market.md say, with the amounts
// worked out here from the plan; bids are matched with honest providers or expire, and the
// bidder pays exactly its matched terms. Replay a seed with SEED=<n>.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getAccount } from '../ledger/state.ts'
import { marketModule } from '../market/module.ts'
import { describeViolation } from './checkers.ts'
import { faultyMarketPlan, marketPlan } from './fault-plans.ts'
import { runScenario, type ScenarioResult } from './scenario.ts'

const BASE_SEED = Number(process.env.SEED ?? 1300)
const R = marketModule.readers

const why = (r: ScenarioResult): string =>
  `seed ${r.seed}: ${r.violation ? describeViolation(r.violation) : `reached ${r.ledgers} ledgers, target missed`}`

/** Each lie and the result code docs/market.md gives it. */
const EXPECTED_CODES = {
  seal_wrong_seed: 'bad_seal_proof',
  seal_replay: 'bad_state',
  garbage_post: 'bad_post',
  stale_post: 'bad_post',
  unknown_sector: 'unknown_sector',
  future_window: 'window_not_open',
  late_post: 'post_late',
}

// ---- reference amounts: 10 units per byte per day, periods of 8 ledgers of 1 s, days of 60 s ----
const termOf = (size: number, periods: number): bigint => {
  const num = 10n * BigInt(size) * BigInt(periods) * 8_000n
  return (num + 59_999n) / 60_000n
}
const share = (total: bigint, n: number, i: number): bigint =>
  (total * BigInt(i + 1)) / BigInt(n) - (total * BigInt(i)) / BigInt(n)
const sumShares = (total: bigint, n: number, windows: readonly number[]): bigint =>
  windows.reduce((s, i) => s + share(total, n, i), 0n)
const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** Every replica's end: state, reason, faults and payment, from its provider's role and outage. */
const checkReplicas = (r: ScenarioResult) => {
  const m = r.market!
  const seen = new Set<string>()
  for (let id = 0; R.deal(r.finalState, id) !== undefined; id++) {
    const deal = R.deal(r.finalState, id)!
    const n = deal.periods
    const total = termOf(deal.size, n)
    for (const [i, rep] of deal.replicaList.entries()) {
      const who = m.providers.find((p) => p.address === rep.provider)!
      const ctx = `seed ${r.seed} deal ${id} replica ${i} (${who.role})`
      seen.add(who.role)
      assert.equal(rep.total, total, `${ctx}: term price`)
      const got = { state: rep.state, reason: rep.reason, faults: rep.faults, paid: rep.paid }
      const w = who.outage?.window ?? 0
      const want =
        who.role === 'silent'
          ? { state: 'terminated', reason: 'faults', faults: 2, paid: sumShares(total, n, range(w)) }
          : who.role === 'crash'
            ? { state: 'expired', reason: '', faults: 1, paid: total - share(total, n, w) }
            : { state: 'expired', reason: '', faults: 0, paid: total }
      assert.deepEqual(got, want, ctx)
    }
  }
  assert.deepEqual(
    [...seen].sort(),
    ['crash', 'honest', 'liar', 'silent'],
    `seed ${r.seed}: every role had a replica`,
  )
}

/**
 * The bid at the asks' price was matched with honest providers only (the faulty ones take no term
 * that short) and ran its term; the one below every ask expired. The bidder paid exactly the
 * matched term prices and one fee per bid: the lock's rest and the client collateral came back.
 */
const checkBids = (r: ScenarioResult) => {
  const m = r.market!
  const bids = R.bidsByClient(r.finalState, m.bidder)
  assert.deepEqual(
    bids.map((b) => b.state),
    m.bids.map((b) => (b.matchable ? 'matched' : 'expired')),
    `seed ${r.seed}: bid states`,
  )
  let spent = 0n
  for (const [i, b] of bids.entries()) {
    if (b.state !== 'matched') continue
    const deal = R.deal(r.finalState, b.deal!)!
    const roles = deal.replicaList.map((rep) => m.providers.find((p) => p.address === rep.provider)!.role)
    assert.deepEqual(roles, Array(m.bids[i]!.replicas).fill('honest'), `seed ${r.seed}: matched providers`)
    spent += BigInt(roles.length) * termOf(m.bids[i]!.piece.length, m.bids[i]!.periods)
  }
  const fee = 100n * BigInt(m.bids.length)
  const balance = getAccount(r.finalState, m.bidder)!.balance
  assert.equal(balance, 1_000_000_000n - spent - fee, `seed ${r.seed}: the bidder's balance`)
}

const checkLies = (r: ScenarioResult) => {
  const lies = r.market!.lies
  assert.deepEqual(
    lies.map((l) => l.kind).sort(),
    Object.keys(EXPECTED_CODES).sort(),
    `seed ${r.seed}: every lie told`,
  )
  for (const l of lies) {
    const ctx = `seed ${r.seed}: lie ${l.kind} in ledger ${l.ledger}`
    assert.equal(l.code, EXPECTED_CODES[l.kind], ctx)
    assert.equal(l.unchanged, true, `${ctx} changed the liar's market entries`)
  }
}

test('market over healthy links: checkers pass, faulty providers end as the rules say, lies refused', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await runScenario(marketPlan(BASE_SEED + i))
    assert.ok(r.ok, why(r))
    checkReplicas(r)
    checkBids(r)
    checkLies(r)
  }
})

test('market under loss, delay, partitions and a validator crash: checkers pass, lies still refused', async () => {
  const r = await runScenario(faultyMarketPlan(BASE_SEED))
  assert.ok(r.ok, why(r))
  checkLies(r)
  const states = new Set<string>()
  for (let id = 0; R.deal(r.finalState, id) !== undefined; id++)
    for (const rep of R.deal(r.finalState, id)!.replicaList) states.add(rep.state)
  assert.ok(
    !states.has('proposed') && !states.has('sealing'),
    `seed ${r.seed}: every replica got past sealing`,
  )
})
