// A file stored by a bid through the market services of four devices on one real ledger: the
// client names no provider, only the most it pays; the ledger's close step matches the two
// cheapest asks under that price, the client's node learns its providers from the deal, sends
// them the data over `/watt/deal/1`, both seal and prove, and the client paid exactly the
// matched prices plus client collateral (the excess of its lock came back). A second bid below
// every ask stays open, then expires, and its whole lock comes back. Amounts come from the
// reference arithmetic here (docs/market.md, "Amounts" and "Bids").
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getAccount } from '../../shared/ledger/index.ts'
import { SMALL_MARKET } from '../../shared/market/test/small-market.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { createRng } from '../../shared/util/prng.ts'
import { testLedger } from '../node/test-ledger.ts'
import { codeOf } from '../wallet/test-kit.ts'
import { closeUntil, marketDevice as device, type MemoryNet, settle } from './test-devices.ts'

const T0 = 1_800_000_000_000
const DAY_MS = 40_000 // 10 proving periods of 4 one-second ledgers
const GIB = 1n << 30n
const SIZE = 5000
const PERIODS = 10n

/** A replica's term price at `watt` per GiB per day (10^7 base units a WATT), rounded up. */
const termOf = (watt: bigint) => {
  const num = watt * 10n ** 7n * BigInt(SIZE) * PERIODS * 4000n
  return (num + GIB * 40_000n - 1n) / (GIB * 40_000n)
}
const collateralOf = (total: bigint) => (total * 50n) / 1000n

test('a bid is matched with the two cheapest asks under its price, stored, proven; a bid below every ask expires refunded', async () => {
  const ledger = testLedger({
    networkId: 'bid-flow',
    genesisTimeMs: T0,
    dayLengthMs: DAY_MS,
    protocol: networkProtocol(),
    params: { market: { ...SMALL_MARKET, ticketMaxAge: 64 } },
  })
  const peers = new Map() as MemoryNet
  const client = await device(ledger, 70, peers)
  const cheap = [await device(ledger, 71, peers), await device(ledger, 72, peers)]
  const dear = await device(ledger, 73, peers)
  await ledger.closeLedger()
  await dear.call('market.postAsk', { price: '3000', collateral: '1000', capacity: 16384 })
  for (const p of cheap)
    await p.call('market.postAsk', { price: '1000', collateral: '1000', capacity: 16384 })
  await ledger.closeLedger()
  await settle()

  const bytes = createRng(7).bytes(SIZE)
  const balance = () => getAccount(ledger.current().state, client.address as never)!.balance
  const fee = ledger.genesis().minFeePerOp
  const before = balance()
  const file = new File([bytes as BlobPart], 'bid.bin')
  assert.equal(
    await codeOf(client.call('market.bid', { file, replicas: 2, days: 1, maxPrice: 'lots' })),
    'bad_amount:format',
  )
  const posted = await client.call('market.bid', { file, replicas: 2, days: 1, maxPrice: '1500' })
  // the lock: 2 replicas at 1,500 WATT with their collateral
  assert.equal(posted.locked, String(2n * (termOf(1500n) + collateralOf(termOf(1500n)))))
  const rows = async () => (await client.call('market.view')).deals
  assert.deepEqual(
    (await rows()).map((r) => [r.provider, r.bid]),
    [
      ['', 'open'],
      ['', 'open'],
    ],
  )

  await closeUntil(ledger, async () => (await rows()).map((r) => r.state).join(',') === 'active,active', 80)
  const matched = (await rows()).map((r) => r.provider).sort()
  assert.deepEqual(matched, cheap.map((p) => p.address).sort(), 'the two cheapest asks under the price')
  const total = termOf(1000n)
  for (const r of await rows()) assert.equal(r.total, String(total))
  const spent = before - balance()
  assert.equal(
    spent,
    2n * (total + collateralOf(total)) + fee,
    'the matched prices, their collateral and one fee',
  )

  // a bid below every ask: open until its last ledger, then expired with the whole lock back
  const held = balance()
  const low = await client.call('market.bid', { file, replicas: 1, days: 1, maxPrice: '10' })
  await closeUntil(
    ledger,
    async () => (await rows()).some((r) => r.bid === 'expired'),
    SMALL_MARKET.bidLedgers + 6,
  )
  assert.equal((await rows()).filter((r) => r.bid === 'expired').length, 1)
  assert.ok(BigInt(low.locked) > 0n)
  assert.equal(held - balance(), fee, 'the whole lock back: only the fee spent')
})
