// Mining inside the ledger: the operations and the day-boundary step, over real closes.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { composeProtocol, withCloseSteps } from '../ledger/module.ts'
import { coreModule } from '../ledger/operations/core.ts'
import type { CloseStep, Operation } from '../ledger/operations/registry.ts'
import { getAccount, getData, getPools, type LedgerState, totalSupply } from '../ledger/state.ts'
import { encodeTx, signTx } from '../ledger/tx.ts'
import {
  body,
  close,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  signed,
  type TestKey,
  testConfig,
  testKey,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { dayInputsFromLedger } from './day-close.ts'
import { computeDayDistribution, type DayDistribution } from './distribution.ts'
import { getRewardHistory, keys, MODULE } from './ledger-data.ts'
import { miningModule } from './module.ts'
import { setCircle } from './operations.ts'
import { defaultMiningParams, type MiningParams } from './params.ts'

const config = testConfig()
const params = defaultMiningParams
// the core and mining modules, composed here (a folder of its own: shared/node's list imports mining)
const MODULES = [coreModule, miningModule]
const protocol = composeProtocol(MODULES)
const env = { config, protocol }
/** The validator's EXTERNALIZE of the previous ledger is named in every ledger's agreed facts. */
const signedByValidator = { signers: [VALIDATOR.address] }
const [A, B, C, D, E] = [20, 21, 22, 23, 24].map(testKey) as [TestKey, TestKey, TestKey, TestKey, TestKey]
const DAY = config.dayLengthMs

/** The protocol with a step before mining's that hands over `day`'s distribution, computed
 * independently from the boundary ledger's draft, before the mining step pays it. */
const probing = (day: number, seen: (d: DayDistribution) => void) => {
  const probe: CloseStep<MiningParams> = {
    name: 'probe',
    run: (d, ctx) => {
      if (ctx.dayIndex > ctx.prevDayIndex)
        seen(computeDayDistribution(dayInputsFromLedger(d, day, ctx), ctx.params))
      return undefined
    },
  }
  return composeProtocol(withCloseSteps(MODULES, MODULE, (own) => [probe as CloseStep, ...own]))
}

const checkIn = { type: 'checkIn', presence: { kind: 'hold' } } as Operation
const circle = (...ks: TestKey[]) => ({ type: 'setCircle', members: ks.map((k) => k.pk) }) as Operation
const invite = (k: TestKey) => ({ type: 'acceptInvite', ambassador: k.pk }) as Operation

const linkNode = (node: TestKey) => ({ type: 'linkNode', node: node.pk }) as Operation

const seqs = new Map<string, bigint>()
/** A transaction from `k`, signed by `k` and any `cosigners` (a node key for linkNode). */
const tx = async (k: TestKey, ops: Operation[], cosigners: TestKey[] = []) => {
  const seq = (seqs.get(k.address) ?? 0n) + 1n
  seqs.set(k.address, seq)
  const b = body(k, seq, ops)
  return cosigners.length === 0
    ? signed(k, b)
    : encodeTx(
        await signTx(
          b,
          [k, ...cosigners].map((x) => x.signer),
        ),
      )
}
const balance = (s: LedgerState, k: TestKey) => getAccount(s, k.address)?.balance ?? 0n
const ledger = async (s: LedgerState, txs: Promise<Uint8Array>[], t: number) =>
  close(s, await Promise.all(txs), t, env, signedByValidator)

test('setCircle parses shapes up to the hard bound; sizes are checked against the params in force', () => {
  assert.equal(setCircle.parse({ type: 'setCircle', members: [] }).ok, false)
  assert.equal(setCircle.parse({ type: 'setCircle', members: Array(101).fill(A.pk) }).ok, false)
  assert.equal(setCircle.parse({ type: 'setCircle', members: [A.pk, B.pk, 'x'] }).ok, false)
  assert.equal(setCircle.parse({ type: 'setCircle', members: [A.pk, B.pk] }).ok, true)
})

test('check-ins, circles, invites and two day boundaries, to the unit', async () => {
  seqs.clear()
  let s = genesis(config, protocol)
  const funded = [VALIDATOR, A, B, C, D, E]
  s = (
    await ledger(
      s,
      [
        tx(
          FAUCET,
          funded.map((k) => create(k, watt(10))),
        ),
      ],
      GENESIS_TIME + 1000,
    )
  ).state
  const l3 = await ledger(
    s,
    [
      // A operates the validator: the node key co-signs, so A's account is a trust seed
      tx(A, [checkIn, circle(B, C, D), invite(B), linkNode(VALIDATOR)], [VALIDATOR]),
      tx(B, [checkIn, circle(A, C, VALIDATOR)]),
      tx(C, [checkIn, circle(A, B, VALIDATOR, D)]),
      tx(VALIDATOR, [circle(A, B, C)]),
      tx(D, [invite(A)]),
    ],
    GENESIS_TIME + 2000,
  )
  assert.deepEqual(
    l3.results.map((r) => r.ok),
    [true, true, true, true, true],
  )
  s = l3.state
  const rejected = await ledger(
    s,
    [
      tx(A, [checkIn]),
      tx(B, [circle(B, C, D)]),
      tx(C, [circle(A, B, B)]),
      tx(D, [invite(C)]),
      tx(E, [invite(E)]),
    ],
    GENESIS_TIME + 3000,
  )
  assert.deepEqual(rejected.results.map((r) => r.code).sort(), [
    'already_checked_in',
    'bad_circle',
    'bad_circle',
    'bad_invite',
    'bad_invite',
  ])
  s = rejected.state

  // Day 0 as the ledger recorded it, computed independently before the boundary.
  const before = s
  const day0 = computeDayDistribution(
    {
      day: 0,
      checkedIn: [A.address, B.address, C.address],
      // all three pressed and held: the weaker kind (holdWeightPpm)
      holdCheckIns: [A.address, B.address, C.address],
      circles: [],
      invites: [
        { account: A.address, ambassador: B.address },
        { account: D.address, ambassador: A.address },
      ],
      validators: [{ account: VALIDATOR.address, signed: 3 }],
      ledgersInDay: 3,
      seeds: [A.address],
      feePool: getPools(before).feePool,
      phase1Remaining: getPools(before).unissued.phase1!,
    },
    params,
  )
  const l4 = await ledger(s, [], GENESIS_TIME + DAY)
  s = l4.state
  assert.ok(day0.emission > 0n)
  for (const k of [A, B, C, VALIDATOR]) {
    const r = day0.rewards.find((x) => x.account === k.address)
    assert.equal(balance(s, k) - balance(before, k), r?.total ?? 0n, `reward of ${k.address}`)
  }
  // no circle is in force on day 0: B and C checked in, but nobody trusted vouches for them yet,
  // so they get neither score nor the trust floor (docs/mining.md, Sybil share)
  assert.equal(balance(s, B), balance(before, B))
  assert.equal(balance(s, C), balance(before, C))
  assert.equal(balance(s, D), balance(before, D), 'D did not check in and got nothing')
  assert.equal(balance(s, E), balance(before, E))
  assert.equal(getPools(s).feePool, day0.remainder, 'fee pool emptied into the distribution')
  assert.equal(getPools(s).unissued.phase1, day0.phase1RemainingAfter)
  assert.equal(totalSupply(s), config.supplyCap)
  assert.equal(
    l4.header.totalCoins,
    config.supplyCap - getPools(s).unissued.phase1! - getPools(s).unissued.future!,
  )
  const hist = getRewardHistory({ getData: (m, k) => getData(s, m, k) }, A.address)
  assert.equal(hist.length, 1)
  assert.equal(hist[0]!.total, day0.rewards.find((x) => x.account === A.address)!.total)
  assert.equal(getData(s, MODULE, keys.checkInList(0) + '/#'), undefined, 'day 0 lists dropped')

  // Day 1: circles are in force now; A, the validator's operator, is a seed, so trust flows.
  const l5 = await ledger(
    s,
    [tx(A, [checkIn]), tx(B, [checkIn]), tx(C, [checkIn])],
    GENESIS_TIME + DAY + 1000,
  )
  s = l5.state
  const mid = s
  let day1: DayDistribution | undefined
  const l6 = await close(
    mid,
    [],
    GENESIS_TIME + 2 * DAY,
    {
      config,
      protocol: probing(1, (d) => {
        day1 = d
      }),
    },
    signedByValidator,
  )
  s = l6.state
  assert.ok(day1)
  const byAccount = new Map(day1.rewards.map((r) => [r.account, r]))
  assert.equal(byAccount.get(A.address)!.circleActive, 2, 'A vouches for B and C, both active')
  assert.equal(byAccount.get(B.address)!.referralsActive, 1, 'A accepted B as ambassador')
  assert.equal(byAccount.get(A.address)!.score, 1_000_000)
  for (const k of [A, B, C, VALIDATOR])
    assert.equal(balance(s, k) - balance(mid, k), byAccount.get(k.address)!.total)
  assert.equal(balance(s, D), balance(mid, D))
  assert.equal(getPools(s).feePool, day1.remainder)
  assert.equal(totalSupply(s), config.supplyCap)
  const totals = getData(s, MODULE, keys.dayTotals(1)) as { distributed: unknown }
  assert.equal(BigInt(totals.distributed as number), day1.distributed)
})

test("a validator's node reward opens its account when nobody funded it", async () => {
  seqs.clear()
  let s = genesis(config, protocol)
  s = (await ledger(s, [tx(FAUCET, [create(A, watt(10))])], GENESIS_TIME + 1000)).state
  s = (await ledger(s, [tx(A, [checkIn])], GENESIS_TIME + 2000)).state
  assert.equal(getAccount(s, VALIDATOR.address), undefined)
  let day0: DayDistribution | undefined
  const before = s
  const probe = probing(0, (d) => {
    day0 = d
  })
  s = (await close(s, [], GENESIS_TIME + DAY, { config, protocol: probe }, signedByValidator)).state
  const node = day0!.rewards.find((r) => r.account === VALIDATOR.address)!
  assert.ok(node.node > 0n)
  assert.deepEqual(getAccount(s, VALIDATOR.address), { balance: node.total, seq: 0n })
  // nobody links to the validator here, so no account is a seed: A, vouched by nobody, gets nothing
  assert.equal(balance(s, A), balance(before, A))
  assert.equal(day0!.rewards.length, 1)
})
