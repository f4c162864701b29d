// Seeded random bids (issue 13, item 1): clients post bids of random sizes, terms, replica counts
// and price limits and cancel some; providers (one of them also a client) move their prices or
// withdraw; no one seals, so every matched replica ends not activated at its start deadline. In
// every ledger the supply is conserved, the module's held balance is exactly the free collateral,
// the replicas' escrow and (provider and client) collateral and the open bids' locks, and each
// client has paid exactly what its open bids and live replicas lock, less its share of the
// no-start penalties; no replica costs more than its bid allowed, and its providers are distinct.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOfBytes, cidString } from '../codec/dag-cbor.ts'
import { watt } from '../ledger/amount.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import { createRng, type Rng } from '../util/prng.ts'
import { marketModule } from './module.ts'
import { askOp, RAW, STD_ASK } from './test/flows.ts'
import { MarketNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 1302)
const RUNS = Number(process.env.RUNS ?? 6)
console.log(`market bid property seed=${seed} runs=${RUNS} (replay with SEED=${seed})`)
const R = marketModule.readers
const GIB = 1n << 30n

// the rules, by hand (docs/market.md): periods of 0.4 day, price rounded up, 5% client
// collateral rounded down, provider collateral 1000 per byte, no-start penalty 20%, half of it
// to the client
const refTotal = (pricePerGiBDay: bigint, size: number, periods: number) => {
  const num = pricePerGiBDay * BigInt(size) * BigInt(periods) * 4000n
  const den = GIB * 10_000n
  return (num + den - 1n) / den
}
const penaltyShare = (size: number) => (1000n * BigInt(size) * 200n) / 1000n / 2n

interface World {
  readonly net: MarketNet
  readonly clients: readonly TestKey[]
  readonly providers: readonly TestKey[]
  readonly start: Map<string, bigint>
  readonly fees: Map<string, bigint>
}

const bidOp = (net: MarketNet, rng: Rng) => ({
  type: 'postBid',
  cid: cidString(cidOfBytes(rng.bytes(8), RAW)),
  commD: rng.bytes(32),
  size: 1 + rng.int(8192),
  replicas: 1 + rng.int(3),
  periods: 1 + rng.int(3),
  // after the bid's last matching ledger (16 after the next), within 64 of it
  startBy: net.seq + 1 + 17 + rng.int(47),
  maxPrice: BigInt(4 + rng.int(13)) * GIB,
})

/** One ledger's transactions: bids, cancels of the client's own open bids, asks moved. */
const txsOf = (w: World, rng: Rng, active: boolean): [TestKey, Operation[]][] => {
  const out: [TestKey, Operation[]][] = []
  if (!active) return out
  for (const c of w.clients) {
    const open = R.bids(w.net.state).filter((b) => b.client === c.address)
    const roll = rng.int(10)
    if (roll < 4) out.push([c, [bidOp(w.net, rng) as unknown as Operation]])
    else if (roll < 6 && open.length > 0)
      out.push([c, [{ type: 'cancelBid', bid: open[rng.int(open.length)]!.id } as Operation]])
  }
  for (const p of w.providers.slice(1))
    if (rng.int(10) === 0) {
      const capacity = rng.int(4) === 0 ? 0 : 8192 * (1 + rng.int(8))
      out.push([p, [askOp({ ...STD_ASK, price: BigInt(3 + rng.int(12)) * GIB, capacity }) as Operation]])
    }
  return out
}

/** The module's held balance against its records; each client's payments against its locks. */
const checkLedger = (w: World, ctx: string) => {
  const { net } = w
  assert.equal(totalSupply(net.state), net.env.config.supplyCap, `supply ${ctx}`)
  let held = 0n
  for (const p of w.providers) held += R.provider(net.state, p.address).free
  for (const c of w.clients) {
    let owed = 0n
    for (const b of R.bidsByClient(net.state, c.address)) {
      owed += b.locked
      held += b.locked
      if (b.state !== 'matched') continue
      const deal = R.deal(net.state, b.deal)!
      const providers = deal.replicaList.map((r) => r.provider)
      assert.equal(new Set(providers).size, b.replicas, `distinct providers ${ctx}`)
      assert.ok(!providers.includes(c.address), `never its own ask ${ctx}`)
      for (const r of deal.replicaList) {
        assert.ok(r.total <= refTotal(b.maxPrice, b.size, b.periods), `within the bid's price ${ctx}`)
        assert.equal(r.clientCollateral, r.state === 'proposed' ? (r.total * 50n) / 1000n : 0n, ctx)
        held += r.escrow + r.collateral + r.clientCollateral
        owed += r.escrow + r.clientCollateral
        if (r.reason === 'not_activated') owed -= penaltyShare(deal.size)
      }
    }
    const paid = w.start.get(c.address)! - getAccount(net.state, c.address)!.balance - w.fees.get(c.address)!
    assert.equal(paid, owed, `client ${c.address.slice(0, 8)} pays its locks only ${ctx}`)
  }
  assert.equal(R.held(net.state), held, `held ${ctx}`)
}

const run = async (rng: Rng, r: number) => {
  const net = new MarketNet()
  const clients = [testKey(800), testKey(801), testKey(802)]
  // the first client also provides
  const providers = [clients[0]!, testKey(810), testKey(811), testKey(812), testKey(813)]
  await net.fund([...clients, ...providers.slice(1)], watt(1000))
  await net.close(
    providers.map((p) => [
      p,
      [
        { type: 'addCollateral', amount: 30_000_000n },
        askOp({ ...STD_ASK, price: BigInt(3 + rng.int(12)) * GIB }),
      ],
    ]) as never,
  )
  const start = new Map(clients.map((c) => [c.address, getAccount(net.state, c.address)!.balance]))
  const w: World = { net, clients, providers, start, fees: new Map(clients.map((c) => [c.address, 0n])) }
  for (let n = 0; n < 40 + 66; n++) {
    const txs = txsOf(w, rng, n < 40)
    const res = await net.close(txs)
    res.forEach((x, i) => {
      const a = txs[i]![0].address
      if (w.fees.has(a)) w.fees.set(a, w.fees.get(a)! + x.fee)
    })
    checkLedger(w, `ledger ${net.seq} run ${r} seed=${seed}`)
  }
  return w
}

test('random bids, cancels and asks: supply, held balances and what each client pays, in every ledger', async () => {
  const rng = createRng(seed)
  let matched = 0
  let closed = 0
  for (let r = 0; r < RUNS; r++) {
    const w = await run(rng.fork(r), r)
    assert.deepEqual(R.bids(w.net.state), [], `every bid closed by the end, run ${r} seed=${seed}`)
    for (const c of w.clients)
      for (const b of R.bidsByClient(w.net.state, c.address)) b.state === 'matched' ? matched++ : closed++
  }
  assert.ok(matched > 0 && closed > 0, `both matched and unmatched bids (${matched}, ${closed}) seed=${seed}`)
})
