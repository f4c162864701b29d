// A provider exit end to end through the market services of three devices on one real ledger
// (issue 13, item 6): provider A holds an active replica and asks to hand it over; the node of
// provider B, the only other ask, takes the offer; the client's node sends B the data over
// `/watt/deal/1`; B seals and proves its seal while A goes on proving; then A is released (the
// row says handed over, its collateral is free) and B holds the rest of the term's escrow. What
// each side was paid adds up to the term price worked out here (docs/market.md, "Amounts").
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { marketModule } from '../../shared/market/module.ts'
import { SMALL_MARKET } from '../../shared/market/test/small-market.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { createRng } from '../../shared/util/prng.ts'
import { testLedger } from '../node/test-ledger.ts'
import { codeOf } from '../wallet/test-kit.ts'
import { closeUntil, marketDevice as device, type MemoryNet, settle } from './test-devices.ts'

const seed = Number(process.env.SEED ?? 23)
console.log(`hand-over flow test seed=${seed} (replay with SEED=${seed})`)
const GIB = 1n << 30n
const R = marketModule.readers

test('a provider hands its replica over: the taker gets the data from the client, seals, and the first is released', async () => {
  const ledger = testLedger({
    networkId: 'hand-over-flow',
    genesisTimeMs: 1_800_000_000_000,
    dayLengthMs: 40_000,
    protocol: networkProtocol(),
    params: { market: { ...SMALL_MARKET, ticketMaxAge: 64, handOverLedgers: 40 } },
  })
  const peers = new Map() as MemoryNet
  const [client, a, b] = [
    await device(ledger, 70, peers),
    await device(ledger, 71, peers),
    await device(ledger, 72, peers),
  ]
  await ledger.closeLedger()
  await a.call('market.postAsk', { price: '1000', collateral: '1000', capacity: 8192 })
  await ledger.closeLedger()
  await settle()
  const bytes = createRng(seed).bytes(3000)
  await client.call('market.store', { file: new File([bytes as BlobPart], 'a.bin'), replicas: 1, days: 1 })
  const rowsOf = async (d: typeof a, side: 'deals' | 'providerDeals') => (await d.call('market.view'))[side]
  await closeUntil(ledger, async () => (await rowsOf(a, 'providerDeals'))[0]?.state === 'active', 60)
  const id = (await rowsOf(a, 'providerDeals'))[0]!.dealId!
  assert.equal(await codeOf(a.call('market.handOver', { deal: id, replica: 0 })), 'no_successor')
  assert.equal(await codeOf(b.call('market.handOver', { deal: id, replica: 0 })), 'not_provider')

  await b.call('market.postAsk', { price: '3000', collateral: '1000', capacity: 8192 })
  await closeUntil(ledger, async () => R.provider(ledger.current().state, b.address).ask !== undefined, 4)
  const offered = await a.call('market.handOver', { deal: id, replica: 0 })
  assert.equal(offered.to, b.address)
  await closeUntil(ledger, async () => (await rowsOf(a, 'providerDeals'))[0]?.handOver === 'taken', 8)
  const mine = await rowsOf(client, 'deals')
  assert.equal(mine.find((r) => r.provider === a.address)?.state, 'active')
  const taker = mine.find((r) => r.provider === b.address)
  assert.ok(
    taker && ['transferring', 'sealing'].includes(taker.state),
    "the successor joins the client's rows",
  )
  await closeUntil(ledger, async () => (await rowsOf(b, 'providerDeals'))[0]?.state === 'active', 40)

  const [ra, rb] = R.deal(ledger.current().state, id)!.replicaList
  assert.deepEqual([ra!.state, ra!.reason, ra!.escrow, ra!.collateral], ['expired', 'handed_over', 0n, 0n])
  assert.equal(rb!.provider, b.address)
  // one day at 1,000 WATT per GiB per day: ceil(10^10 x 3000 x 10 x 4000 / (2^30 x 40000))
  const total = (10n ** 10n * 3000n * 10n * 4000n + GIB * 40_000n - 1n) / (GIB * 40_000n)
  assert.equal(total, 27_940n)
  assert.equal(ra!.paid + rb!.escrow + rb!.paid, total, 'the term is paid once, split by who proved')
  assert.ok(ra!.paid > 0n, 'A was paid for the windows it proved')
  assert.equal(R.provider(ledger.current().state, a.address).used, 0)
  const aRow = (await rowsOf(a, 'providerDeals'))[0]!
  assert.deepEqual([aRow.state, aRow.reason], ['expired', 'handed_over'])
  const cRows = await rowsOf(client, 'deals')
  assert.deepEqual(cRows.map((r) => r.state).sort(), ['active', 'expired'])
})
