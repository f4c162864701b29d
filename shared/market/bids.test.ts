// Bids (issue 13, item 1) on a real ledger: a client posts what it wants stored and the most it
// pays; the close step matches it against the standing asks, cheapest first, equal prices in the
// order of H(tag, previous header, provider key), skipping the client's own ask and asks that
// refuse the piece; the excess of the lock comes back; an unmatched bid expires refunded; limits
// and bad input are refused and change nothing. Expected prices, locks and the ranking are worked
// here (the hash with node:crypto), never with the module's functions.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { cidOfBytes, cidString } from '../codec/dag-cbor.ts'
import { type Amount, watt } from '../ledger/amount.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import { createRng } from '../util/prng.ts'
import { pieceCommitment } from './binding.ts'
import { marketModule } from './module.ts'
import { askOp, offer, RAW, STD_ASK } from './test/flows.ts'
import { MarketNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 1301)
console.log(`market bid tests seed=${seed} (replay with SEED=${seed})`)
const R = marketModule.readers
const FEE = 100n
const GIB = 1n << 30n

// test periods are 4 ledgers of 1 s, days 10 s: a period is 0.4 day
const refTotal = (pricePerGiBDay: bigint, size: number, periods: number) => {
  const num = pricePerGiBDay * BigInt(size) * BigInt(periods) * 4000n
  const den = GIB * 10_000n
  return (num + den - 1n) / den
}
/** A replica's price plus the client's collateral on it (5%, rounded down). */
const refLocked = (pricePerGiBDay: bigint, size: number, periods: number) => {
  const t = refTotal(pricePerGiBDay, size, periods)
  return t + (t * 50n) / 1000n
}

const orderHash = (prevHeader: Uint8Array, pk: Uint8Array) =>
  createHash('sha256').update('watt/market-bid-order/v1').update(prevHeader).update(pk).digest()

/** The match order the rules give: price ascending, then the order hash as bytes. */
const refRank = (asks: readonly { key: TestKey; price: bigint }[], prevHeader: Uint8Array) =>
  [...asks]
    .sort((x, y) =>
      x.price !== y.price
        ? x.price < y.price
          ? -1
          : 1
        : Buffer.compare(orderHash(prevHeader, x.key.pk), orderHash(prevHeader, y.key.pk)),
    )
    .map((a) => a.key.address)

const balance = (net: MarketNet, k: { address: string }) => getAccount(net.state, k.address as never)!.balance

const bidOp = (
  net: MarketNet,
  piece: Uint8Array,
  o: { replicas?: number; periods?: number; maxPrice?: bigint; startBy?: number; size?: number } = {},
) => ({
  type: 'postBid',
  cid: cidString(cidOfBytes(piece, RAW)),
  commD: pieceCommitment(net.params, piece),
  size: o.size ?? piece.length,
  replicas: o.replicas ?? 2,
  periods: o.periods ?? 3,
  startBy: o.startBy ?? net.seq + 40,
  maxPrice: o.maxPrice ?? 20n * GIB,
})

/** Every unit the module holds, as the records account for it. */
const recorded = (net: MarketNet, providers: readonly TestKey[]) => {
  let sum = 0n
  for (const p of providers) sum += R.provider(net.state, p.address).free
  for (const c of new Set(R.bids(net.state).map((b) => b.client)))
    for (const b of R.bidsByClient(net.state, c)) sum += b.locked
  for (let id = 0; R.deal(net.state, id) !== undefined; id++)
    for (const r of R.deal(net.state, id)!.replicaList) sum += r.escrow + r.collateral + r.clientCollateral
  return sum
}

/** A market of asks: a, b, c at 10 per byte per day, x at 12, and asks a 4 KiB, 3-period bid skips. */
const market = async () => {
  const net = new MarketNet()
  const keys = [700, 701, 702, 703, 704, 705, 706, 707, 708].map(testKey)
  const [client, a, b, c, x, small, short, full, poor] = keys as [TestKey, ...TestKey[]]
  await net.fund(keys, watt(1000))
  await offer(net, [a!, b!, c!], 50_000_000n)
  await offer(net, [x!], 50_000_000n, { ...STD_ASK, price: 12n * GIB })
  await net.close([
    // cheaper, but each refuses the piece: too small, too short, too full, too little collateral
    [
      small!,
      [{ type: 'addCollateral', amount: 50_000_000n }, askOp({ ...STD_ASK, price: GIB, maxSize: 2048 })],
    ],
    [
      short!,
      [{ type: 'addCollateral', amount: 50_000_000n }, askOp({ ...STD_ASK, price: GIB, maxPeriods: 2 })],
    ],
    [
      full!,
      [{ type: 'addCollateral', amount: 50_000_000n }, askOp({ ...STD_ASK, price: GIB, capacity: 4000 })],
    ],
    [poor!, [{ type: 'addCollateral', amount: 1n }, askOp({ ...STD_ASK, price: GIB })]],
    // the client's own ask is the cheapest of all
    [client, [{ type: 'addCollateral', amount: 50_000_000n }, askOp({ ...STD_ASK, price: 1n })]],
  ] as never)
  const providers = [a!, b!, c!, x!, small!, short!, full!, poor!, client]
  return { net, client, a: a!, b: b!, c: c!, x: x!, providers }
}

test('a bid is matched cheapest first, equal prices in hash order, skipping its own ask and asks that refuse it; the excess comes back', async () => {
  const { net, client, a, b, c, x, providers } = await market()
  const rng = createRng(seed)
  const tens = [a, b, c].map((key) => ({ key, price: 10n }))
  for (const round of [0, 1, 2]) {
    const before = balance(net, client)
    const piece = rng.bytes(4096)
    assert.equal(await net.op(client, bidOp(net, piece)), '')
    const matchedIn = net.seq
    const [bid] = R.bidsByClient(net.state, client.address).slice(-1)
    assert.deepEqual([bid!.id, bid!.state, bid!.locked], [round, 'matched', 0n])
    const deal = R.deal(net.state, bid!.deal)!
    assert.equal(deal.bid, round)
    // the two of a, b, c first in the order drawn from the previous header; x (12) never
    const want = refRank([...tens, { key: x, price: 12n }], net.hashOf(matchedIn - 1)).slice(0, 2)
    assert.deepEqual(
      deal.replicaList.map((r) => r.provider),
      want,
      `round ${round} seed=${seed}`,
    )
    assert.deepEqual(
      deal.replicaList.map((r) => [r.total, r.clientCollateral]),
      [
        [49_152n, 2457n],
        [49_152n, 2457n],
      ],
      '4,096 bytes x 3 periods x 0.4 day x 10 per byte per day; 5% of it',
    )
    // locked 2 x (98,304 + 4,915) at the bid's price of 20; the asks' prices leave 2 x 51,610 over
    assert.equal(refLocked(20n * GIB, 4096, 3), 103_219n)
    assert.equal(
      before - balance(net, client),
      FEE + 2n * refLocked(10n * GIB, 4096, 3),
      'only the deal paid',
    )
    assert.equal(R.held(net.state), recorded(net, providers))
  }
  assert.deepEqual(R.bids(net.state), [], 'no open bids')
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('a bid no ask can take stays open and expires refunded at its last ledger; an ask that comes in time matches it', async () => {
  const { net, client, b, providers } = await market()
  const rng = createRng(seed + 1)
  const before = balance(net, client)
  const low = bidOp(net, rng.bytes(4096), { maxPrice: 9n * GIB, replicas: 1 })
  assert.equal(await net.op(client, low), '')
  const posted = net.seq
  // 4,096 bytes x 3 x 0.4 day at 9 per byte per day: 44,236.8 up, with 2,211 of client collateral
  assert.equal(before - balance(net, client), FEE + 46_448n)
  const [bid] = R.bids(net.state)
  assert.deepEqual([bid!.state, bid!.expires, bid!.locked], ['open', posted + 16, 46_448n])
  assert.equal(R.held(net.state), recorded(net, providers))
  await net.closeUntil(posted + 15)
  assert.equal(R.bid(net.state, bid!.id)!.state, 'open')
  await net.close()
  assert.deepEqual([R.bid(net.state, bid!.id)!.state, R.bid(net.state, bid!.id)!.locked], ['expired', 0n])
  assert.equal(balance(net, client), before - FEE, 'refunded in full')
  assert.deepEqual(R.bids(net.state), [])

  // another waits until a provider lowers its ask to its price
  assert.equal(await net.op(client, { ...low, startBy: net.seq + 40 }), '')
  const waiting = R.bids(net.state)[0]!
  await net.closeUntil(net.seq + 3)
  assert.equal(R.bid(net.state, waiting.id)!.state, 'open')
  assert.equal(await net.op(b, askOp({ ...STD_ASK, price: 9n * GIB })), '')
  const matched = R.bid(net.state, waiting.id)!
  assert.equal(matched.state, 'matched')
  assert.deepEqual(
    R.deal(net.state, matched.deal)!.replicaList.map((r) => r.provider),
    [b.address],
  )
  assert.equal(R.held(net.state), recorded(net, providers))
})

test('cancelBid refunds an open bid at once, and only its bidder may', async () => {
  const { net, client, a, providers } = await market()
  const before = balance(net, client)
  // at 1 unit per GiB per day only the client's own ask would take it
  const op = bidOp(net, new Uint8Array(2048).fill(3), { maxPrice: 1n, replicas: 1, periods: 1 })
  assert.equal(await net.op(client, op), '')
  const id = R.bids(net.state)[0]!.id
  assert.equal(await net.probe(a, { type: 'cancelBid', bid: id }), 'not_bidder')
  assert.equal(await net.probe(client, { type: 'cancelBid', bid: id + 1 }), 'unknown_bid')
  assert.equal(await net.op(client, { type: 'cancelBid', bid: id }), '')
  assert.equal(R.bid(net.state, id)!.state, 'cancelled')
  assert.equal(
    balance(net, client),
    before - 3n * FEE,
    'the bid back; three fees (post, refused cancel, cancel)',
  )
  assert.equal(await net.probe(client, { type: 'cancelBid', bid: id }), 'bid_closed')
  assert.equal(R.held(net.state), recorded(net, providers))
})

test('open bids are bounded per client and on the network; bad bids and bids without funds change nothing', async () => {
  const net = new MarketNet({ maxBidsPerClient: 2, maxOpenBids: 3 } as never)
  const [c1, c2, c3, broke] = [720, 721, 722, 723].map(testKey) as [TestKey, TestKey, TestKey, TestKey]
  await net.fund([c1, c2, c3], watt(1000))
  await net.fund([broke], 10_000n as Amount)
  const piece = new Uint8Array(4096).fill(9)
  // 2 x 103,219 needed
  assert.equal(await net.probe(broke, bidOp(net, piece, { maxPrice: 20n * GIB })), 'client_funds')
  // no asks: every bid stays open
  assert.equal(await net.op(c1, bidOp(net, piece)), '')
  assert.equal(await net.op(c1, bidOp(net, piece)), '')
  assert.equal(await net.probe(c1, bidOp(net, piece)), 'bid_limit')
  assert.equal(await net.op(c2, bidOp(net, piece)), '')
  assert.equal(await net.probe(c3, bidOp(net, piece)), 'bid_limit', 'the network is full')
  assert.equal(await net.op(c1, { type: 'cancelBid', bid: 0 }), '')
  assert.equal(await net.op(c3, bidOp(net, piece)), '', 'a cancelled bid frees its place')
  assert.equal(R.bids(net.state).length, 3)

  const bad: (() => Record<string, unknown>)[] = [
    () => ({ replicas: 0 }),
    () => ({ replicas: 9 }),
    () => ({ size: 0 }),
    () => ({ size: 8193 }),
    () => ({ periods: 0 }),
    // the start must come after the bid's last matching ledger (16 after the one it is posted
    // in, the next) and within 64 ledgers of it
    () => ({ startBy: net.seq + 1 + 16 }),
    () => ({ startBy: net.seq + 1 + 65 }),
  ]
  for (const o of bad) {
    const bal = balance(net, c2)
    assert.equal(await net.probe(c2, { ...bidOp(net, piece), ...o() }), 'bad_bid', JSON.stringify(o()))
    assert.equal(balance(net, c2), bal - FEE, 'only the fee')
  }
  const postBid = marketModule.operations.find((o) => o.type === 'postBid')!
  for (const o of [{ maxPrice: -1n }, { replicas: 1.5 }, { extra: 1 }, { commD: new Uint8Array(31) }])
    assert.equal(postBid.parse({ ...bidOp(net, piece), ...o }).ok, false, Object.keys(o).join())
  assert.equal(totalSupply(net.state), net.env.config.supplyCap)
})

test('two nodes applying the same ledgers of asks, bids and cancels reach the same headers', async () => {
  const run = async () => {
    const { net, client } = await market()
    const rng = createRng(seed + 2)
    for (let k = 0; k < 6; k++) {
      const op = bidOp(net, rng.bytes(2048 + rng.int(2048)), {
        replicas: 1 + rng.int(3),
        maxPrice: 12n * GIB,
      })
      await net.op(client, op)
      if (k % 2 === 1) await net.op(client, { type: 'cancelBid', bid: k })
    }
    await net.closeUntil(net.seq + 20)
    return net
  }
  const [one, two] = [await run(), await run()]
  assert.deepEqual(
    one.ledgers.map((l) => l.headerCid.toString()),
    two.ledgers.map((l) => l.headerCid.toString()),
  )
})
