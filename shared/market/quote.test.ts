// The quote a client sees before paying: the cheapest asks that can take the piece, one per
// provider, never its own; priced with the documented rule, worked here by hand; and equal to
// what publishDeal then locks (the price plus 5% of it as client collateral).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { getAccount } from '../ledger/state.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { quoteDeal } from './quote.ts'
import { askOp, dealOp, offer, STD_ASK } from './test/flows.ts'
import { MarketNet } from './test/net.ts'

const GIB = 1n << 30n

test('a quote takes the cheapest asks that can hold the piece and equals what the deal locks', async () => {
  const net = new MarketNet()
  const [client, a, b, c, d, poor] = [500, 501, 502, 503, 504, 505].map(testKey) as ReturnType<
    typeof testKey
  >[]
  await net.fund([client!, a!, b!, c!, d!, poor!], watt(1000))
  await offer(net, [a!, b!, c!, d!], 30_000_000n)
  // prices per GiB per day: a 30, b 10, c 20, d 5 but only 1,000 bytes of capacity
  await net.close([
    [a!, [askOp({ ...STD_ASK, price: 30n * GIB })] as never],
    [b!, [askOp({ ...STD_ASK, price: 10n * GIB })] as never],
    [c!, [askOp({ ...STD_ASK, price: 20n * GIB })] as never],
    [d!, [askOp({ ...STD_ASK, price: 5n * GIB, capacity: 1000 })] as never],
  ])
  // poor: cheapest of all, but its free collateral (1 unit) cannot cover a replica
  await net.close([
    [poor!, [{ type: 'addCollateral', amount: 1n }, askOp({ ...STD_ASK, price: GIB })] as never],
  ])
  const periodMs = net.params.provingPeriodLedgers * net.env.config.closeIntervalMs
  const dayMs = net.env.config.dayLengthMs
  const ask = { size: 4096, periods: 3, client: client!.address, periodMs, dayMs }
  const q = quoteDeal(net.state, { ...ask, replicas: 2 })
  assert.ok(q.ok)
  // per byte per day: b 10, c 20; a period is 4 s of a 10 s day: 4096 x 3 x 0.4 = 4,915.2 byte-days
  assert.deepEqual(
    q.value.replicas.map((r) => [r.provider, r.total]),
    [
      [b!.address, 49_152n],
      [c!.address, 98_304n],
    ],
  )
  assert.equal(q.value.total, 147_456n)
  // client collateral: 5% of each replica's price, rounded down (2,457.6 and 4,915.2)
  assert.deepEqual(
    q.value.replicas.map((r) => r.clientCollateral),
    [2457n, 4915n],
  )
  assert.equal(q.value.clientCollateral, 7372n)
  const none = quoteDeal(net.state, { ...ask, replicas: 4 })
  assert.deepEqual(none.ok ? 'quoted' : none.error, { code: 'not_enough_providers', wanted: 4, available: 3 })
  const self = quoteDeal(net.state, { ...ask, client: b!.address, replicas: 2 })
  assert.deepEqual(
    self.ok ? self.value.replicas.map((r) => r.provider) : self.error,
    [c!.address, a!.address],
    'never the client itself',
  )

  const before = getAccount(net.state, client!.address)!.balance
  const piece = new Uint8Array(4096).fill(7)
  assert.equal(await net.op(client!, dealOp(net, piece, [b!, c!], { periods: 3 })), '')
  const fee = before - getAccount(net.state, client!.address)!.balance - 147_456n - 7372n
  assert.equal(fee, 100n, 'the deal locked exactly the quote and its client collateral (plus the fee)')
})
