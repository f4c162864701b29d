// A deal end to end through the market services of three devices on one real ledger: a client
// quotes and stores a file with 2 replicas, its data reaches both providers, each seals it,
// pre-commits, posts the seal proof in parts and answers its windows, and each is paid per proven
// window exactly the share the deal says; then one provider loses its replica, faults, is
// terminated after K windows and the client gets the unspent escrow back. Amounts come from the
// reference arithmetic here (docs/market.md, "Amounts"), not from the module. The data travels
// over the real `/watt/deal/1` protocol on an in-memory network (test-devices.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { getAccount } from '../../shared/ledger/index.ts'
import { marketModule } from '../../shared/market/module.ts'
import { SMALL_MARKET } from '../../shared/market/test/small-market.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { createRng } from '../../shared/util/prng.ts'
import { testLedger } from '../node/test-ledger.ts'
import { codeOf } from '../wallet/test-kit.ts'
import { closeUntil, marketDevice as device, type MemoryNet, settle } from './test-devices.ts'

const seed = Number(process.env.SEED ?? 21)
console.log(`deal flow test seed=${seed} (replay with SEED=${seed})`)
const T0 = 1_800_000_000_000
const DAY_MS = 40_000 // 10 proving periods of 4 one-second ledgers
const GIB = 1n << 30n
const R = marketModule.readers

test('a file stored with 2 replicas: sealed, proven, paid per window; a lost replica is terminated and refunded', async () => {
  const ledger = testLedger({
    networkId: 'deal-flow',
    genesisTimeMs: T0,
    dayLengthMs: DAY_MS,
    protocol: networkProtocol(),
    params: { market: { ...SMALL_MARKET, ticketMaxAge: 64 } },
  })
  const peers = new Map() as MemoryNet
  const client = await device(ledger, 60, peers)
  const providers = [await device(ledger, 61, peers), await device(ledger, 62, peers)]
  const spare = await device(ledger, 63, peers)
  await ledger.closeLedger()
  // 1,000 WATT per GiB per day and of collateral per GiB: 10^10 base units per GiB; the spare
  // provider asks twice that, so the deal goes to the two others
  await spare.call('market.postAsk', { price: '2000', collateral: '1000', capacity: 8192 })
  for (const p of providers)
    await p.call('market.postAsk', { price: '1000', collateral: '1000', capacity: 8192 })
  await ledger.closeLedger()
  await settle()

  const rng = createRng(seed)
  const bytes = rng.bytes(5000)
  const size = bytes.length
  // one day = 10 periods of 4 s; per replica ceil(10^10 x 5000 x 10 x 4000 / (2^30 x 40000))
  const periods = 10
  const total = (10n ** 10n * BigInt(size) * BigInt(periods) * 4000n + GIB * 40_000n - 1n) / (GIB * 40_000n)
  assert.equal(total, 46_567n) // 2 x 10^18 / 4.295 x 10^13 = 46,566.1, rounded up
  const quote = await client.call('market.quote', { size, replicas: 2, days: 1 })
  assert.deepEqual([quote.amount, quote.periods], [String(2n * total), periods])
  // client collateral: 5% of each replica's price, rounded down (2,328.35)
  const cc = 2328n
  assert.equal(quote.clientCollateral, String(2n * cc))
  assert.equal(
    await codeOf(client.call('market.quote', { size, replicas: 4, days: 1 })),
    'not_enough_providers',
  )

  const file = new File([bytes as BlobPart], 'notes.txt')
  const before = getAccount(ledger.current().state, client.address as never)!.balance
  const stored = await client.call('market.store', { file, replicas: 2, days: 1 })
  assert.equal(stored.amount, String(2n * total))

  const view = () => client.call('market.view')
  const states = async () => (await view()).deals.map((r) => r.state).join(',')
  await closeUntil(ledger, async () => (await states()) === 'active,active', 60)
  for (const p of providers) {
    const refused = (await p.call('market.view')).txs.filter((t) => t.state === 'rejected')
    assert.deepEqual(refused, [], "the ledger refused none of the providers' transactions")
  }
  const v = await view()
  assert.deepEqual(
    v.deals.map((r) => [r.cid, r.dealId, r.provider]).sort(),
    providers.map((p) => [stored.cid, v.deals[0]!.dealId, p.address]).sort(),
  )
  const spent = before - getAccount(ledger.current().state, client.address as never)!.balance
  assert.equal(
    spent,
    2n * (total + cc) + ledger.genesis().minFeePerOp,
    'the escrow, client collateral and one fee',
  )

  // each proven window pays floor(total (i+1) / n) - floor(total i / n)
  const share = (i: number) =>
    (total * BigInt(i + 1)) / BigInt(periods) - (total * BigInt(i)) / BigInt(periods)
  const paidOf = async (p: (typeof providers)[number]) => (await p.call('market.view')).provider!.earned
  await closeUntil(
    ledger,
    async () => (await paidOf(providers[0]!)) === String(share(0) + share(1) + share(2)),
    20,
  )
  const deal = R.deal(ledger.current().state, v.deals[0]!.dealId!)!
  for (const rep of deal.replicaList)
    assert.ok(
      rep.windows >= 3 && rep.paid === share(0) + share(1) + share(2) + (rep.windows > 3 ? share(3) : 0n),
    )

  // provider 1 loses its replica: faulty, then terminated after K = 2 windows; the client's escrow back
  const lost = deal.replicaList.findIndex((r) => r.provider === providers[1]!.address)
  providers[1]!.disk.lose(deal.replicaList[lost]!.sector)
  const stateOf = async () => (await view()).deals.find((r) => r.provider === providers[1]!.address)!.state
  await closeUntil(ledger, async () => (await stateOf()) === 'faulty', 12)
  await closeUntil(ledger, async () => (await stateOf()) === 'terminated', 12)
  const ended = R.deal(ledger.current().state, deal.id)!.replicaList[lost]!
  assert.equal(ended.escrow, 0n, 'nothing left in escrow')
  assert.equal(ended.paid + (total - ended.paid), total)
  assert.ok(ended.reason === 'faults')

  // the client repairs the lost copy at once: a deal for the rest of the term with the spare provider
  const repairRow = async () => (await view()).deals.find((r) => r.provider === spare.address)
  await closeUntil(ledger, async () => (await repairRow())?.state === 'active', 40)
  const repair = R.deal(ledger.current().state, (await repairRow())!.dealId!)!
  assert.deepEqual([repair.cid, repair.replicas, repair.periods], [stored.cid, 1, periods - ended.windows])
})
