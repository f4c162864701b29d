// The sampling and the assignment (docs/retrieval-checks.md, "Sampling") over synthetic deal
// tables, seeded (fast-check): random deals with random replica counts and states (some deal ids
// absent), random seeds. The draws equal the node:crypto reference of the byte layout (test/net.ts),
// skipping replicas not active and repeats, at most 4 draws per wanted sample; the assignment is
// the k lowest reference hashes, never the provider; the same randomness gives the same draw. The
// close step over the same tables (a Map-backed draft) never assigns a checker that joined in the
// draw ledger itself.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { Address } from '../crypto/address.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import type { DataReader } from '../ledger/lists.ts'
import { keys as marketKeys, MARKET, type ReplicaState } from '../market/store.ts'
import { type ChecksParams, checksParams } from './params.ts'
import { roundCloseStep } from './round.ts'
import { assignCheckers, drawSamples } from './sampling.ts'
import { CHECKS, keys } from './store.ts'
import { refAssign, refDraw } from './test/net.ts'

const seed = Number(process.env.SEED ?? 1515)
const RUNS = Number(process.env.RUNS ?? 100)
console.log(`retrieval-checks sampling test seed=${seed} runs=${RUNS} (replay with SEED=${seed})`)

const STATES: ReplicaState[] = ['proposed', 'sealing', 'active', 'faulty', 'terminated', 'expired']
const CIDS = ['bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy']

/** A deal table: each deal absent (null) or its replicas' [state, provider index]. */
const dealTable = fc.array(
  fc.option(fc.array(fc.tuple(fc.constantFrom(...STATES), fc.nat(3)), { maxLength: 4 }), { freq: 5 }),
  { minLength: 1, maxLength: 12 },
)
type Table = (readonly (readonly [ReplicaState, number])[] | null)[]
const providerOf = (i: number) => `WPROVIDER${i}` as Address
const seedBytes = fc.uint8Array({ minLength: 32, maxLength: 32 })

/** Module data in a Map: the market's deal table, plus whatever the step writes. */
const mapData = (t: Table) => {
  const m = new Map<string, unknown>()
  m.set(`${MARKET} ${marketKeys.nextDeal}`, t.length)
  t.forEach((reps, id) => {
    if (reps === null) return
    m.set(`${MARKET} ${marketKeys.deal(id)}`, { cid: CIDS[0], replicas: reps.length })
    for (const [i, [state, p]] of reps.entries())
      m.set(`${MARKET} ${marketKeys.replica(id, i)}`, { state, provider: providerOf(p) })
  })
  const d: DataReader & Pick<LedgerDraft, 'putData'> = {
    getData: (mod, k) => m.get(`${mod} ${k}`),
    putData: (mod, k, v) => void (v === undefined ? m.delete(`${mod} ${k}`) : m.set(`${mod} ${k}`, v)),
  }
  return d
}

/** The reference draws, from the byte layout: [deal, replica, provider, point] of each kept draw. */
const expectedDraws = (t: Table, s: Uint8Array, wanted: number) => {
  const out: { deal: number; replica: number; provider: Address; cid: string; point: number }[] = []
  for (let j = 0; j < 4 * wanted && out.length < wanted; j++) {
    const [deal, replica, point] = refDraw(s, j, t.length, (x) => t[x]?.length ?? 0)
    const r = t[deal]?.[replica]
    if (r?.[0] !== 'active' || out.some((o) => o.deal === deal && o.replica === replica)) continue
    out.push({ deal, replica, provider: providerOf(r[1]), cid: CIDS[0]!, point })
  }
  return out
}

test('draws follow the byte layout over random deal tables; the same seed gives the same draw', () => {
  fc.assert(
    fc.property(dealTable, seedBytes, fc.integer({ min: 1, max: 8 }), (t, s, wanted) => {
      const d = mapData(t)
      const drawn = drawSamples(d, s, wanted)
      assert.deepEqual(drawn, expectedDraws(t, s, wanted))
      assert.deepEqual(drawSamples(d, Uint8Array.from(s), wanted), drawn, 'same randomness, same draw')
      assert.equal(new Set(drawn.map((x) => `${x.deal}/${x.replica}`)).size, drawn.length)
    }),
    { seed, numRuns: RUNS },
  )
})

test('the assignment is the k lowest reference hashes, never the provider', () => {
  const addresses = fc.uniqueArray(fc.stringMatching(/^W[A-Z2-7]{8}$/), { maxLength: 20 })
  fc.assert(
    fc.property(addresses, seedBytes, fc.nat(255), fc.integer({ min: 1, max: 15 }), (eligible, s, i, k) => {
      const provider = (eligible[i % Math.max(1, eligible.length)] ?? 'WNOBODY') as Address
      const got = assignCheckers(s, i, eligible as Address[], provider, k)
      const others = eligible.filter((a) => a !== provider)
      assert.deepEqual(got, refAssign(s, i, others, k))
      assert.ok(!got.includes(provider))
      assert.equal(got.length, Math.min(k, others.length))
      assert.deepEqual(assignCheckers(Uint8Array.from(s), i, eligible as Address[], provider, k), got)
    }),
    { seed, numRuns: RUNS },
  )
})

const params = (over: Partial<Record<keyof ChecksParams, unknown>>): ChecksParams => {
  const p = checksParams.parse({
    roundLedgers: 4,
    samplesPerRound: 4,
    checkersPerSample: 3,
    quorum: 2,
    ...over,
  })
  assert.ok(p.ok)
  return p.value
}

test('the draw ledger assigns only checkers joined before it, never a sample its own provider', () => {
  const joins = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), {
    minLength: 1,
    maxLength: 8,
  })
  fc.assert(
    fc.property(dealTable, seedBytes, joins, fc.integer({ min: 1, max: 6 }), (t, s, js, k) => {
      const D = 8
      const d = mapData(t)
      // checker c: a provider's address for c < 4 (providers may volunteer), joined in D or before
      const list = js.map((_, c) => (c < 4 ? providerOf(c) : (`WCHECKER${c}` as Address)))
      for (const [c, a] of list.entries())
        d.putData(CHECKS, keys.checker(a), { bond: 0n, joined: js[c] ? D : D - 1 })
      d.putData(CHECKS, keys.checkers, list)
      const draft = { ...d, seq: D, prevHeader: s } as unknown as LedgerDraft
      roundCloseStep.run(draft, { params: params({ checkersPerSample: k, quorum: 1 }) } as never)
      const late = new Set(list.filter((_, c) => js[c]))
      const live = d.getData(CHECKS, keys.round) as { round: number; samples: number }
      assert.deepEqual(live.round, D / 4)
      const drawn = expectedDraws(t, s, 4)
      assert.equal(live.samples, drawn.length)
      drawn.forEach((x, i) => {
        const sample = d.getData(CHECKS, keys.sample(i)) as { provider: string; checkers: Address[] }
        const eligible = list.filter((a) => !late.has(a) && a !== x.provider)
        assert.equal(sample.provider, x.provider)
        assert.deepEqual(sample.checkers, refAssign(s, i, eligible, k), `sample ${i}`)
      })
    }),
    { seed, numRuns: RUNS },
  )
})
