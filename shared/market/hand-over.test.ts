// Provider exit (issue 13, item 6) on a real ledger with real seal and window proofs: a provider
// hands its active replica to another, which seals and proves before the first is released; the
// client pays the term once, split by the windows each proved. A successor that never seals is
// fined and the first may offer again; a first replica that fails takes its successor with it.
// Expected amounts are worked by hand from docs/market.md's rules (10 units per byte per day,
// periods of 20 ledgers of 1 s in days of 10 s, collateral 1000 per byte, no-start penalty 20%,
// client collateral 5% of the term). The client's collateral follows the replica to its successor.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { createRng } from '../util/prng.ts'
import { windowOpen } from './binding.ts'
import { marketModule } from './module.ts'
import { dealOp, offer, onboard, preCommit, proveDue, publish } from './test/flows.ts'
import { MarketNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 61)
console.log(`market hand-over tests seed=${seed} (replay with SEED=${seed})`)
const R = marketModule.readers
// 4,096 bytes x 10 units per byte per day x 2 days per period
const PER_PERIOD = 81_920n
const COLLATERAL = 4_096_000n
/** 5% of a term of `periods` periods. */
const clientCollateral = (periods: number) => (BigInt(periods) * PER_PERIOD * 50n) / 1000n

const balance = (net: MarketNet, k: { address: string }) => getAccount(net.state, k.address as never)!.balance
const replicas = (net: MarketNet, id: number) => R.deal(net.state, id)!.replicaList
/** Periods of 20 ledgers in two windows of 10: room for a few operations inside one window. */
const newNet = (handOverLedgers = 60) =>
  new MarketNet({ provingPeriodLedgers: 20, windowLedgers: 10, handOverLedgers })

/** A deal of one replica with p1, sealed and active; returns its id, sector and first period. */
const activeDeal = async (net: MarketNet, periods: number) => {
  const rng = createRng(seed)
  const [client, p1, p2, p3] = [testKey(600), testKey(601), testKey(602), testKey(603)]
  await net.fund([client, p1, p2, p3], watt(1000))
  await offer(net, [p1, p3], 10_000_000n)
  const piece = rng.bytes(4096)
  const id = await publish(net, client, dealOp(net, piece, [p1], { periods }))
  const s1 = await onboard(net, p1, { deal: id, replica: 0, sectorNumber: 4 }, piece)
  const first = R.sector(net.state, p1.address, 4)!.firstPeriod
  return { client, p1, p2, p3, piece, id, s1, first }
}

test('a hand-over: the taker seals while the first provider keeps proving, then takes the escrow left and finishes the term', async () => {
  const net = newNet()
  const { client, p1, p2, p3, piece, id, s1, first } = await activeDeal(net, 4)
  const clientBefore = balance(net, client)
  assert.equal(await proveDue(net, p1, first, [s1]), '')
  const offerTo = (k: { pk: Uint8Array }) => ({ type: 'offerHandOver', deal: id, replica: 0, to: k.pk })
  const take = { type: 'takeOver', deal: id, replica: 0 }
  assert.equal(await net.probe(p3, offerTo(p3)), 'not_provider')
  assert.equal(await net.probe(p1, offerTo(client)), 'bad_deal', 'not to the client')
  assert.equal(await net.probe(p1, offerTo(p1)), 'duplicate_provider', 'not to a holder of a live copy')
  assert.equal(await net.op(p1, offerTo(p2)), '')
  assert.equal(await net.probe(p3, take), 'not_offered')
  assert.equal(await net.probe(p2, take), 'no_ask', 'the taker needs an ask: where the data goes')
  assert.deepEqual(R.offersTo(net.state, p2.address), [[id, 0]])
  assert.equal(await net.op(p1, offerTo(p3)), '', 'a new offer replaces an untaken one')
  assert.deepEqual(R.offersTo(net.state, p2.address), [])
  assert.deepEqual(R.offersTo(net.state, p3.address), [[id, 0]])
  assert.equal(await net.op(p3, take), '')
  assert.deepEqual(R.offersTo(net.state, p3.address), [], 'taken')
  assert.equal(await net.probe(p1, offerTo(p2)), 'hand_over_busy')
  let [r0, r1] = replicas(net, id)
  assert.deepEqual([r0!.state, r0!.to, r0!.offer], ['active', 1, undefined])
  assert.deepEqual([r1!.provider, r1!.state, r1!.from, r1!.escrow], [p3.address, 'proposed', 0, 0n])
  assert.deepEqual([r0!.clientCollateral, r1!.clientCollateral], [16_384n, 0n], 'still with the first')
  assert.equal(R.provider(net.state, p3.address).free, 10_000_000n - COLLATERAL, 'the same collateral')
  assert.deepEqual(R.replicasOf(net.state, p3.address), [[id, 1]])

  // the first provider proves its next window while the taker seals
  assert.equal(await proveDue(net, p1, first + 1, [s1]), '')
  const s3 = await onboard(net, p3, { deal: id, replica: 1, sectorNumber: 7 }, piece)
  ;[r0, r1] = replicas(net, id)
  assert.deepEqual(
    [r0!.state, r0!.reason, r0!.paid, r0!.escrow],
    ['expired', 'handed_over', 2n * PER_PERIOD, 0n],
  )
  assert.deepEqual([r1!.state, r1!.escrow, r1!.windows], ['active', 2n * PER_PERIOD, 2])
  assert.deepEqual([r0!.clientCollateral, r1!.clientCollateral], [0n, clientCollateral(4)], 'moved')
  assert.equal(balance(net, client), clientBefore, 'the client collateral moved, not refunded')
  assert.equal(R.provider(net.state, p1.address).free, 10_000_000n, 'released: nothing slashed')
  assert.equal(R.provider(net.state, p1.address).used, 0)

  const f3 = R.sector(net.state, p3.address, 7)!.firstPeriod
  assert.equal(await proveDue(net, p3, f3, [s3]), '')
  assert.equal(await proveDue(net, p3, f3 + 1, [s3]), '')
  await net.closeUntil(windowOpen(net.params, f3 + 1, 1) + 10)
  r1 = replicas(net, id)[1]
  assert.deepEqual([r1!.state, r1!.paid, r1!.escrow], ['expired', 2n * PER_PERIOD, 0n])
  assert.equal(
    balance(net, client),
    clientBefore + 16_384n,
    'the client paid the term once, at publication; its collateral came back at the end',
  )
  assert.equal(R.provider(net.state, p3.address).earned, 2n * PER_PERIOD)
  assert.equal(R.provider(net.state, p3.address).free, 10_000_000n)
  assert.equal(R.held(net.state), 20_000_000n, 'only free collateral left')
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('a taker that does not seal in time pays the no-start penalty; the first provider, untouched, offers again', async () => {
  const net = newNet(12)
  const { client, p1, p2, p3, id, s1, first } = await activeDeal(net, 8)
  await offer(net, [p2], 10_000_000n)
  assert.equal(await proveDue(net, p1, first, [s1]), '')
  assert.equal(await net.op(p1, { type: 'offerHandOver', deal: id, replica: 0, to: p3.pk }), '')
  assert.equal(await net.op(p3, { type: 'takeOver', deal: id, replica: 0 }), '')
  const deadline = net.seq + net.params.handOverLedgers
  const clientBefore = balance(net, client)
  for (let k = first + 1; windowOpen(net.params, k, 0) < deadline; k++)
    assert.equal(await proveDue(net, p1, k, [s1]), '')
  await net.closeUntil(deadline)
  const [r0, r1] = replicas(net, id)
  assert.deepEqual([r1!.state, r1!.reason], ['terminated', 'not_activated'])
  assert.deepEqual([r0!.state, r0!.to, r0!.faults], ['active', undefined, 0])
  assert.deepEqual([r0!.clientCollateral, r1!.clientCollateral], [32_768n, 0n], 'it stayed with the first')
  const penalty = (COLLATERAL * 200n) / 1000n
  assert.equal(R.provider(net.state, p3.address).free, 10_000_000n - penalty)
  assert.equal(R.provider(net.state, p3.address).used, 0)
  assert.equal(balance(net, client), clientBefore + penalty / 2n, 'half the penalty to the client')
  assert.equal(await net.op(p1, { type: 'offerHandOver', deal: id, replica: 0, to: p2.pk }), '')
  assert.equal(await net.op(p2, { type: 'takeOver', deal: id, replica: 0 }), '')
  assert.deepEqual(
    replicas(net, id).map((r) => [r.provider, r.state]),
    [
      [p1.address, 'active'],
      [p3.address, 'terminated'],
      [p2.address, 'proposed'],
    ],
  )
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('a first replica terminated for faults ends its sealing successor without a penalty', async () => {
  const net = newNet()
  const { p1, p3, piece, id, s1, first } = await activeDeal(net, 8)
  assert.equal(await proveDue(net, p1, first, [s1]), '')
  assert.equal(await net.op(p1, { type: 'offerHandOver', deal: id, replica: 0, to: p3.pk }), '')
  assert.equal(await net.op(p3, { type: 'takeOver', deal: id, replica: 0 }), '')
  await preCommit(net, p3, { deal: id, replica: 1, sectorNumber: 9 }, piece)
  // p1 stops proving: K = 2 missed windows terminate it
  await net.closeUntil(windowOpen(net.params, first + 2, 0) + 10)
  const [r0, r1] = replicas(net, id)
  assert.deepEqual([r0!.state, r0!.reason], ['terminated', 'faults'])
  assert.deepEqual([r1!.state, r1!.reason, r1!.collateral], ['terminated', 'predecessor_ended', 0n])
  assert.deepEqual([r0!.clientCollateral, r1!.clientCollateral], [0n, 0n], 'back to the client once')
  assert.equal(R.held(net.state), 20_000_000n - COLLATERAL, 'only free collateral left (p1 slashed)')
  assert.equal(R.provider(net.state, p3.address).free, 10_000_000n, 'nothing slashed from the taker')
  assert.equal(R.provider(net.state, p3.address).used, 0)
  assert.equal(R.provider(net.state, p3.address).slashed, 0n)
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('hand-over messages parse strictly', () => {
  const ops = marketModule.operations
  const offerOp = ops.find((o) => o.type === 'offerHandOver')!
  const takeOp = ops.find((o) => o.type === 'takeOver')!
  const to = new Uint8Array(32)
  assert.ok(offerOp.parse({ type: 'offerHandOver', deal: 1, replica: 0, to }).ok)
  for (const bad of [
    { type: 'offerHandOver', deal: 1, replica: 0, to: new Uint8Array(31) },
    { type: 'offerHandOver', deal: -1, replica: 0, to },
    { type: 'offerHandOver', deal: 1, replica: 0, to, extra: 1 },
  ])
    assert.equal(offerOp.parse(bad).ok, false, JSON.stringify(bad))
  assert.ok(takeOp.parse({ type: 'takeOver', deal: 1, replica: 2 }).ok)
  assert.equal(takeOp.parse({ type: 'takeOver', deal: 1 }).ok, false)
})
