// Seeded property tests (fast-check) over random markets: deals of 1-3 replicas, providers that
// prove every window, vanish before sealing, skip windows, or declare the windows they skip.
// In every ledger the supply is conserved and the module's held balance is exactly the escrow,
// provider and client collateral it records; at the end every replica's payments, faults, state and the client's
// balance equal a reference model written here from the rules in docs/market.md; the same inputs
// give the same header CIDs on two independent runs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { watt } from '../ledger/amount.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import { createRng } from '../util/prng.ts'
import { windowOpen, windowPosition } from './binding.ts'
import { marketModule } from './module.ts'
import { dealOp, offer, onboardAll, publish, windowPostOp } from './test/flows.ts'
import { MarketNet } from './test/net.ts'
import type { SealedSector } from './test/prover.ts'

const seed = Number(process.env.SEED ?? 1313)
console.log(`market property tests seed=${seed} (replay with SEED=${seed})`)
const R = marketModule.readers
const FEE = 100n

type Behaviour = 'honest' | 'vanish' | 'flaky' | 'declarer'
interface DealSpec {
  readonly size: number
  readonly periods: number
  readonly behaviours: readonly Behaviour[]
  /** Per window index: does a flaky or declaring provider prove it. */
  readonly mask: readonly boolean[]
}

const dealSpec = fc.record({
  size: fc.integer({ min: 1, max: 8192 }),
  periods: fc.integer({ min: 1, max: 3 }),
  behaviours: fc.array(fc.constantFrom<Behaviour>('honest', 'vanish', 'flaky', 'declarer'), {
    minLength: 1,
    maxLength: 3,
  }),
  mask: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
})

// ---- reference model (docs/market.md), independent of the module's code ----
const GIB = 1n << 30n
const PRICE = 10n * GIB
const COLLATERAL = 1000n * GIB
const refTotal = (size: number, periods: number) => {
  const num = PRICE * BigInt(size) * BigInt(periods) * 4000n
  const den = GIB * 10_000n
  return (num + den - 1n) / den
}
const refCollateral = (size: number) => (COLLATERAL * BigInt(size) + GIB - 1n) / GIB
const half = (x: bigint) => (x * 500n) / 1000n

interface Expected {
  state: string
  paid: bigint
  faults: number
  clientGets: bigint
}

/** What the rules say a replica ends with, from the windows it proved and declared. */
const reference = (
  size: number,
  periods: number,
  vanished: boolean,
  proved: boolean[],
  declared: boolean[],
) => {
  const total = refTotal(size, periods)
  const c0 = refCollateral(size)
  if (vanished) {
    const pen = (c0 * 200n) / 1000n
    return { state: 'terminated', paid: 0n, faults: 0, clientGets: half(pen) }
  }
  let left = c0
  let paid = 0n
  let faults = 0
  let consecutive = 0
  let clientGets = 0n
  for (let i = 0; i < periods; i++) {
    if (proved[i]) {
      paid += (total * BigInt(i + 1)) / BigInt(periods) - (total * BigInt(i)) / BigInt(periods)
      consecutive = 0
    } else {
      let fee = (c0 * (declared[i] ? 20n : 100n)) / 1000n
      if (fee > left) fee = left
      left -= fee
      clientGets += half(fee)
      faults++
      consecutive++
      if (consecutive >= 2) {
        clientGets += half(left)
        return { state: 'terminated', paid, faults, clientGets }
      }
    }
  }
  return { state: 'expired', paid, faults, clientGets }
}

interface Live {
  readonly provider: TestKey
  readonly deal: number
  readonly replica: number
  readonly sealed: SealedSector
  readonly proved: boolean[]
  readonly declared: boolean[]
  readonly behaviour: Behaviour
  readonly mask: readonly boolean[]
}

/** The held balance must be exactly the escrow and provider and client collateral the module records. */
const checkLedger = (net: MarketNet, providers: readonly TestKey[], deals: readonly number[]) => {
  assert.equal(totalSupply(net.state), net.env.config.supplyCap, `supply at ledger ${net.seq}`)
  let recorded = 0n
  for (const p of providers) recorded += R.provider(net.state, p.address).free
  for (const id of deals)
    for (const r of R.deal(net.state, id)!.replicaList)
      recorded += r.escrow + r.collateral + r.clientCollateral
  assert.equal(R.held(net.state), recorded, `held at ledger ${net.seq}`)
}

/** The window proofs and declarations due before the next ledger, grouped per provider op. */
const dueOps = (net: MarketNet, live: readonly Live[]): [TestKey, Operation[]][] => {
  const groups = new Map<string, { who: Live[]; k: number }>()
  const out: [TestKey, Operation[]][] = []
  for (const l of live) {
    const rep = R.deal(net.state, l.deal)!.replicaList[l.replica]!
    if (rep.state !== 'active' && rep.state !== 'faulty') continue
    const n = l.sealed.replica.sectorNumber
    const k = R.sector(net.state, l.provider.address, n)!.firstPeriod + rep.windows
    const open = windowOpen(net.params, k, windowPosition(net.params, n))
    const proves = l.behaviour === 'honest' || l.mask[rep.windows] === true
    if (open === net.seq && proves) {
      const key = `${l.provider.address}/${windowPosition(net.params, n)}/${k}`
      const g = groups.get(key) ?? { who: [], k }
      g.who.push(l)
      groups.set(key, g)
    }
    if (open === net.seq + 1 && !proves && l.behaviour === 'declarer') {
      out.push([l.provider, [{ type: 'declareFault', sectors: [n], faulty: true } as Operation]])
      l.declared[rep.windows] = true
    }
  }
  for (const g of groups.values()) {
    const op = windowPostOp(
      net,
      g.who[0]!.provider,
      g.k,
      g.who.map((l) => l.sealed),
    )
    for (const l of g.who) l.proved[R.deal(net.state, l.deal)!.replicaList[l.replica]!.windows] = true
    out.push([g.who[0]!.provider, [op as unknown as Operation]])
  }
  return out
}

const runMarket = async (specs: readonly DealSpec[], runSeed: number) => {
  const rng = createRng(runSeed)
  const net = new MarketNet()
  const clients = [testKey(500), testKey(501)]
  const providers = [testKey(510), testKey(511), testKey(512)]
  await net.fund([...clients, ...providers], watt(1000))
  await offer(net, providers, 50_000_000n)
  const start = clients.map((c) => getAccount(net.state, c.address)!.balance)
  const ids: number[] = []
  const pieces: Uint8Array[] = []
  for (const [j, s] of specs.entries()) {
    pieces.push(rng.bytes(s.size))
    const chosen = s.behaviours.map((_, i) => providers[(j + i) % 3]!)
    const op = dealOp(net, pieces[j]!, chosen, { periods: s.periods, startBy: net.seq + 40 })
    ids.push(await publish(net, clients[j % 2]!, op))
  }
  const sectorOf = new Map<string, number>()
  const onboarding = specs.flatMap((s, j) =>
    s.behaviours.flatMap((b, i) => {
      if (b === 'vanish') return []
      const provider = providers[(j + i) % 3]!
      const n = (sectorOf.get(provider.address) ?? 0) + 1
      sectorOf.set(provider.address, n)
      return [{ provider, at: { deal: ids[j]!, replica: i, sectorNumber: n }, piece: pieces[j]! }]
    }),
  )
  const sealed = onboardAll(net, onboarding)
  const live: Live[] = (await sealed).map((s, x) => {
    const o = onboarding[x]!
    const spec = specs[ids.indexOf(o.at.deal)]!
    return {
      provider: o.provider,
      deal: o.at.deal,
      replica: o.at.replica,
      sealed: s,
      proved: [],
      declared: [],
      behaviour: spec.behaviours[o.at.replica]!,
      mask: spec.mask,
    }
  })
  for (let n = 0; n < 60; n++) {
    const txs = dueOps(net, live)
    const res = await net.close(txs)
    assert.deepEqual(
      res.map((r) => r.code ?? ''),
      res.map(() => ''),
      `ledger ${net.seq}`,
    )
    checkLedger(net, providers, ids)
  }
  return { net, clients, providers, start, ids, live }
}

const checkOutcome = (specs: readonly DealSpec[], run: Awaited<ReturnType<typeof runMarket>>) => {
  const { net, clients, start, ids, live } = run
  const clientDelta = [0n, 0n]
  const fees = [0n, 0n]
  for (const [j, s] of specs.entries()) {
    fees[j % 2]! += FEE
    const deal = R.deal(net.state, ids[j]!)!
    for (const [i, b] of s.behaviours.entries()) {
      const l = live.find((x) => x.deal === ids[j] && x.replica === i)
      const want: Expected = reference(s.size, s.periods, b === 'vanish', l?.proved ?? [], l?.declared ?? [])
      const got = deal.replicaList[i]!
      const ctx = `deal ${j} replica ${i} (${b}) seed=${seed}`
      assert.equal(got.state, want.state, ctx)
      assert.equal(got.paid, want.paid, `${ctx}: paid only for proven windows`)
      assert.equal(got.faults, want.faults, ctx)
      assert.ok(got.paid <= got.total, `${ctx}: never more than the deal`)
      clientDelta[j % 2]! += want.clientGets - want.paid
    }
  }
  for (const [x, c] of clients.entries()) {
    const want = start[x]! - fees[x]! + clientDelta[x]!
    assert.equal(getAccount(net.state, c.address)!.balance, want, `client ${x} seed=${seed}`)
  }
}

test('random markets: supply and held balances in every ledger, payments and penalties as the rules say', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(dealSpec, { minLength: 1, maxLength: 3 }), fc.integer(), async (specs, s) => {
      checkOutcome(specs, await runMarket(specs, s))
    }),
    { seed, numRuns: 16 },
  )
})

test('the same inputs give the same header CIDs on two independent runs', async () => {
  const specs: DealSpec[] = [
    { size: 5000, periods: 2, behaviours: ['honest', 'flaky'], mask: [false, false, true] },
    { size: 100, periods: 3, behaviours: ['declarer', 'vanish'], mask: [true, false, true] },
  ]
  const a = await runMarket(specs, seed)
  const b = await runMarket(specs, seed)
  assert.deepEqual(
    a.net.ledgers.map((l) => l.headerCid.toString()),
    b.net.ledgers.map((l) => l.headerCid.toString()),
  )
  checkOutcome(specs, a)
})
