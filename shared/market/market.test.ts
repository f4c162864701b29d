// The market's life cycle on a real ledger with real seal and window proofs (2-8 KiB sectors):
// asks, a deal of two replicas with escrow, pre-commit and prove-commit, window proofs paying
// each period's share, a lost replica faulting to termination, a replica never activated, a
// fault declared ahead. Expected amounts come from the reference arithmetic below (hand-checked
// in docs/market.md), never from the module's own functions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { createRng } from '../util/prng.ts'
import { postAsk } from './asks.ts'
import { marketModule } from './module.ts'
import { MarketNet } from './test/net.ts'
import { askOp, dealOp, offer, onboard, onboardAll, proveDue, publish, STD_ASK } from './test/flows.ts'

const seed = Number(process.env.SEED ?? 13)
console.log(`market tests seed=${seed} (replay with SEED=${seed})`)
const R = marketModule.readers
const FEE = 100n

// Reference arithmetic (docs/market.md): test periods are 4 ledgers of 1 s, days 10 s.
const PERIOD_MS = 4n * 1000n
const DAY_MS = 10_000n
const GIB = 1n << 30n
const refTotal = (pricePerGiBDay: bigint, size: bigint, periods: bigint) =>
  (pricePerGiBDay * size * periods * PERIOD_MS + GIB * DAY_MS - 1n) / (GIB * DAY_MS)
/** The client's collateral on a replica: 5% of its term price, rounded down. */
const refClientCollateral = (total: bigint) => (total * 50n) / 1000n

const balance = (net: MarketNet, k: { address: string }) => getAccount(net.state, k.address as never)!.balance

test('an ask names the peer id of the node that takes deal data: base58 text, 64 characters at most', () => {
  assert.ok(postAsk.parse(askOp(STD_ASK)).ok)
  for (const peer of ['', 'has space', '0OIl', 'x'.repeat(65), 5, undefined])
    assert.equal(postAsk.parse({ ...askOp(STD_ASK), peer }).ok, false, String(peer))
})

test('reference arithmetic: 4 KiB for 3 periods at 10 units per byte per day', () => {
  // 10 x 2^30 units per GiB per day = 10 per byte per day; a period is 0.4 day: 4 per byte
  assert.equal(refTotal(10n * GIB, 4096n, 3n), 49_152n)
})

test('the asks clients read: standing asks once per provider, in the order of their first ask; capacity 0 withdraws', async () => {
  const net = new MarketNet()
  const [a, b, c] = [testKey(310), testKey(311), testKey(312)]
  await net.fund([a, b, c], watt(10))
  assert.deepEqual(R.asks(net.state), [])
  await net.close([[b, [askOp({ ...STD_ASK, price: 7n }) as never]]])
  await net.close([
    [a, [askOp({ ...STD_ASK, price: 5n }) as never]],
    [c, [askOp({ ...STD_ASK, price: 9n }) as never]],
  ])
  // b replaces its ask (it stays where it first stood), c withdraws
  await net.close([
    [b, [askOp({ ...STD_ASK, price: 8n }) as never]],
    [c, [askOp({ ...STD_ASK, capacity: 0 }) as never]],
  ])
  const asks = R.asks(net.state).map((x) => [x.provider, x.price])
  assert.deepEqual(asks, [
    [b.address, 8n], // b asked first, in a ledger of its own, and keeps its place
    [a.address, 5n],
  ])
})

test('a deal with two providers: one proves every window and is paid exactly its term, one loses its replica and is terminated', async () => {
  const rng = createRng(seed)
  const net = new MarketNet()
  const [client, p1, p2] = [testKey(300), testKey(301), testKey(302)]
  await net.fund([client, p1, p2], watt(1000))
  const start = { client: balance(net, client), p1: balance(net, p1), p2: balance(net, p2) }
  await offer(net, [p1, p2], 10_000_000n)
  const piece = rng.bytes(4096)
  const id = await publish(net, client, dealOp(net, piece, [p1, p2]))
  assert.equal(R.deal(net.state, id)!.bid, -1, 'taken from the asks, not matched from a bid')
  const total = refTotal(10n * GIB, 4096n, 3n)
  const cc = refClientCollateral(total)
  assert.equal(cc, 2457n)
  assert.equal(
    start.client - balance(net, client),
    2n * (total + cc) + FEE,
    'the term of both replicas is in escrow, with the client collateral on each',
  )
  assert.equal(R.held(net.state), 20_000_000n + 2n * (total + cc))
  assert.equal(
    R.provider(net.state, p1.address).free,
    10_000_000n - 4_096_000n,
    'collateral 1000/byte locked',
  )

  const [s1, s2] = await onboardAll(net, [
    { provider: p1, at: { deal: id, replica: 0, sectorNumber: 10 }, piece },
    { provider: p2, at: { deal: id, replica: 1, sectorNumber: 11 }, piece },
  ])
  const cid = dealOp(net, piece, [p1]).cid
  const byCid = R.dealsByCid(net.state, cid)
  assert.deepEqual(
    byCid.map((d) => [d.id, d.client, d.size, d.replicaList.map((r) => [r.provider, r.state, r.sector])]),
    [
      [
        id,
        client.address,
        4096,
        [
          [p1.address, 'active', 10],
          [p2.address, 'active', 11],
        ],
      ],
    ],
    'the chain says where the data is',
  )
  assert.deepEqual(R.replicasOf(net.state, p2.address), [[id, 1]])
  const v = R.provider(net.state, p1.address)
  assert.deepEqual([v.used, v.proven, v.faults, v.earned, v.ask?.capacity], [4096, 4096, 0, 0n, 1 << 20])
  const f1 = R.sector(net.state, p1.address, 10)!.firstPeriod
  const f2 = R.sector(net.state, p2.address, 11)!.firstPeriod
  // the windows in ledger order: p1's at position 0, p2's at position 1 of each period
  const windows = [0, 1, 2].flatMap((i) => [
    { who: 1, k: f1 + i, open: (f1 + i) * 4 },
    { who: 2, k: f2 + i, open: (f2 + i) * 4 + 2 },
  ])
  windows.sort((a, b) => a.open - b.open)
  let p1Txs = 0
  for (const w of windows) {
    if (w.who === 1) {
      assert.equal(await proveDue(net, p1, w.k, [s1!]), '')
      p1Txs++
    } else if (w.k === f2) {
      assert.equal(await proveDue(net, p2, w.k, [s2!]), '')
      s2!.lose()
    } else if (w.k === f2 + 1)
      assert.equal(await proveDue(net, p2, w.k, [s2!]), 'bad_post', 'a lost replica cannot answer')
  }
  await net.closeUntil(net.seq + 4)
  const [r1, r2] = R.deal(net.state, id)!.replicaList
  assert.equal(r1!.state, 'expired')
  assert.equal(r1!.paid, total, 'paid exactly the term')
  assert.equal(R.provider(net.state, p1.address).earned, total)
  // offer (2 ops) + pre-commit + 3 proof parts + 3 windows
  assert.equal(
    balance(net, p1),
    start.p1 - 10_000_000n - 2n * FEE - FEE - 3n * FEE - BigInt(p1Txs) * FEE + total,
  )
  assert.equal(R.provider(net.state, p1.address).free, 10_000_000n, 'collateral freed at expiry')

  assert.equal(r2!.state, 'terminated')
  assert.equal(r2!.reason, 'faults')
  assert.equal(r2!.faults, 2)
  const share = total / 3n
  assert.equal(r2!.paid, share)
  // penalties: two fault fees of 10% of 4,096,000, then the rest of the collateral: all of it
  assert.equal(R.provider(net.state, p2.address).slashed, 4_096_000n)
  assert.equal(R.provider(net.state, p2.address).free, 10_000_000n - 4_096_000n)
  // the client: escrow of p2's unproven windows back, half of every penalty, both client
  // collaterals back (one replica expired, one terminated for faults)
  assert.equal(balance(net, client), start.client - FEE - 2n * total + (total - share) + 2_048_000n)
  assert.equal(R.held(net.state), 10_000_000n + 5_904_000n, 'only free collateral is left')
  for (const l of net.ledgers) assert.ok(l.header.totalCoins > 0n)
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
  assert.deepEqual(R.provider(net.state, p2.address).faults, 2)
})

test('a replica not active by its start deadline: escrow refunded, no-start penalty, the rest freed', async () => {
  const rng = createRng(seed + 1)
  const net = new MarketNet()
  const [client, p1] = [testKey(310), testKey(311)]
  await net.fund([client, p1], watt(1000))
  await offer(net, [p1], 5_000_000n)
  const before = balance(net, client)
  const piece = rng.bytes(2000)
  const startBy = net.seq + 6
  await publish(net, client, dealOp(net, piece, [p1], { startBy, periods: 2 }))
  const total = refTotal(10n * GIB, 2000n, 2n)
  assert.equal(balance(net, client), before - FEE - total - 800n, 'term 16,000 and 5% of it')
  await net.closeUntil(startBy)
  const rep = R.dealsByClient(net.state, client.address)[0]!.replicaList[0]!
  assert.equal(rep.state, 'terminated')
  assert.equal(rep.reason, 'not_activated')
  const penalty = (2_000_000n * 200n) / 1000n // 20% of 1000/byte x 2000 bytes
  assert.equal(
    balance(net, client),
    before - FEE + penalty / 2n,
    'escrow and client collateral back, half the penalty',
  )
  assert.equal(R.provider(net.state, p1.address).free, 5_000_000n - penalty)
  assert.equal(R.provider(net.state, p1.address).used, 0)
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('a fault declared ahead costs the declared fee; the next proof recovers the replica', async () => {
  const rng = createRng(seed + 2)
  const net = new MarketNet()
  const [client, p1] = [testKey(320), testKey(321)]
  await net.fund([client, p1], watt(1000))
  await offer(net, [p1], 5_000_000n)
  const piece = rng.bytes(4096)
  const id = await publish(net, client, dealOp(net, piece, [p1], { periods: 3 }))
  const s = await onboard(net, p1, { deal: id, replica: 0, sectorNumber: 4 }, piece)
  const first = R.sector(net.state, p1.address, 4)!.firstPeriod
  assert.equal(await net.op(p1, { type: 'declareFault', sectors: [4], faulty: true }), '')
  await net.closeUntil(first * 4 + 2 + 1)
  let rep = R.deal(net.state, id)!.replicaList[0]!
  assert.equal(rep.state, 'faulty')
  assert.equal(R.provider(net.state, p1.address).slashed, (4_096_000n * 20n) / 1000n, 'declared fee: 2%')
  assert.equal(R.provider(net.state, p1.address).proven, 0)
  assert.equal(await proveDue(net, p1, first + 1, [s]), '')
  await net.closeUntil(net.seq + 2)
  rep = R.deal(net.state, id)!.replicaList[0]!
  assert.equal(rep.state, 'active')
  assert.equal(rep.consecutive, 0)
  assert.equal(rep.paid, refTotal(10n * GIB, 4096n, 3n) / 3n, 'the faulty window is not paid')
  assert.equal(R.provider(net.state, p1.address).proven, 4096)
})

test('a provider rejects a replica before pre-commit: no penalty, the escrow back, the collateral freed, the client collateral to the fee pool', async () => {
  const rng = createRng(seed + 3)
  const net = new MarketNet()
  const [client, p1, p2] = [testKey(330), testKey(331), testKey(332)]
  await net.fund([client, p1, p2], watt(1000))
  await offer(net, [p1, p2], 5_000_000n)
  const before = balance(net, client)
  const piece = rng.bytes(1000)
  const id = await publish(net, client, dealOp(net, piece, [p1, p2], { periods: 1 }))
  assert.equal(await net.probe(p2, { type: 'rejectDeal', deal: id, replica: 0 }), 'not_provider')
  assert.equal(await net.op(p1, { type: 'rejectDeal', deal: id, replica: 0 }), '')
  const [r0, r1] = R.deal(net.state, id)!.replicaList
  assert.equal(r0!.state, 'terminated')
  assert.equal(r0!.reason, 'rejected')
  assert.equal(r1!.state, 'proposed')
  // each replica: term 4,000 and client collateral 200; the rejected one's 200 is forfeit
  assert.equal(balance(net, client), before - FEE - 4000n - 200n - 200n, 'one replica left in escrow')
  assert.equal(R.deal(net.state, id)!.replicaList[0]!.clientCollateral, 0n)
  assert.equal(
    R.held(net.state),
    10_000_000n + 4000n + 200n,
    'the module kept none of the 200 (supply below)',
  )
  assert.deepEqual(R.provider(net.state, p1.address).free, 5_000_000n)
  assert.equal(R.provider(net.state, p1.address).used, 0)
  assert.equal(await net.probe(p1, { type: 'rejectDeal', deal: id, replica: 0 }), 'bad_state')
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})
