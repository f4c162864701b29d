// Seeded hand-overs at random moments (issue 13, item 6): the offer, the take and the taker's
// seal land anywhere relative to the windows, the first provider may stop proving, the taker may
// seal too late or after the term ran out. In every ledger the supply is conserved and the held
// balance is exactly the escrow and (provider and client) collateral recorded; at the end nothing
// is left in escrow or client collateral, the replicas of the chain were paid at most the term
// together, and the client's balance is the term less what was not paid, plus half of every
// penalty (all test penalties are even).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import type { Operation } from '../ledger/operations/registry.ts'
import { getAccount, totalSupply } from '../ledger/state.ts'
import { type TestKey, testKey } from '../ledger/test/fixtures.ts'
import { createRng, type Rng } from '../util/prng.ts'
import { windowOpen, windowPosition } from './binding.ts'
import { marketModule } from './module.ts'
import { dealOp, offer, onboard, proofParts, publish, windowPostOp } from './test/flows.ts'
import { MarketNet } from './test/net.ts'
import { type SealedSector, sealDeal } from './test/prover.ts'

const seed = Number(process.env.SEED ?? 77)
const RUNS = Number(process.env.RUNS ?? 24)
console.log(`market hand-over property seed=${seed} runs=${RUNS} (replay with SEED=${seed})`)
const R = marketModule.readers
const FEE = 100n

interface Prover {
  readonly key: TestKey
  readonly replica: number
  readonly sealed: SealedSector
  /** Ledgers from which it proves no more (Infinity: honest). */
  readonly stopAt: number
}

/** The window proof a replica owes at this ledger (its window opened at it), if it proves. */
const windowOp = (net: MarketNet, id: number, x: Prover): [TestKey, Operation[]][] => {
  const rep = R.deal(net.state, id)!.replicaList[x.replica]!
  if ((rep.state !== 'active' && rep.state !== 'faulty') || net.seq >= x.stopAt) return []
  const n = x.sealed.replica.sectorNumber
  const s = R.sector(net.state, x.key.address, n)!
  const pos = windowPosition(net.params, n)
  const k = Math.floor((net.seq - pos * net.params.windowLedgers) / net.params.provingPeriodLedgers)
  if (k < s.firstPeriod || windowOpen(net.params, k, pos) !== net.seq) return []
  return [[x.key, [windowPostOp(net, x.key, k, [x.sealed]) as unknown as Operation]]]
}

const checkLedger = (net: MarketNet, keys: readonly TestKey[], id: number) => {
  assert.equal(totalSupply(net.state), net.env.config.supplyCap, `supply at ${net.seq} seed=${seed}`)
  let recorded = 0n
  for (const k of keys) recorded += R.provider(net.state, k.address).free
  for (const r of R.deal(net.state, id)!.replicaList) recorded += r.escrow + r.collateral + r.clientCollateral
  assert.equal(R.held(net.state), recorded, `held at ${net.seq} seed=${seed}`)
}

/** The taker's steps: take at `takeAt`, pre-commit at `sealAt`, the seal proof once the seed closed. */
const takerOps = (
  net: MarketNet,
  id: number,
  t: { key: TestKey; takeAt: number; sealAt: number },
  piece: Uint8Array,
  st: { sealed?: SealedSector; seedSeq?: number },
) => {
  if (net.seq === t.takeAt) return [[t.key, [{ type: 'takeOver', deal: id, replica: 0 }]]]
  const rep = R.deal(net.state, id)!.replicaList[1]
  if (rep?.state === 'proposed' && net.seq >= t.sealAt && st.sealed === undefined) {
    const at = { deal: id, replica: 1, sectorNumber: 9 }
    st.sealed = sealDeal(net.params, {
      provider: t.key.address,
      ...at,
      ticketHash: net.hashOf(net.seq),
      piece,
    })
    st.seedSeq = net.seq + 1 + net.params.sealDelay
    return [[t.key, [{ type: 'preCommit', ...at, ticketSeq: net.seq, commR: st.sealed.commR }]]]
  }
  if (rep?.state === 'sealing' && net.seq > st.seedSeq!)
    return proofParts({ deal: id, replica: 1 }, st.sealed!.prove(net.hashOf(st.seedSeq!))).map((op) => [
      t.key,
      [op],
    ])
  return []
}

const run = async (rng: Rng) => {
  const net = new MarketNet()
  const [client, p1, p3] = [testKey(700), testKey(701), testKey(703)]
  await net.fund([client, p1, p3], watt(1000))
  await offer(net, [p1, p3], 10_000_000n)
  const piece = rng.bytes(4096)
  const periods = 2 + rng.int(4)
  const clientStart = getAccount(net.state, client.address)!.balance
  const id = await publish(net, client, dealOp(net, piece, [p1], { periods }))
  const s1 = await onboard(net, p1, { deal: id, replica: 0, sectorNumber: 4 }, piece)
  const offerAt = net.seq + rng.int(8)
  const t = { key: p3, takeAt: offerAt + 1 + rng.int(3), sealAt: 0 }
  t.sealAt = t.takeAt + 1 + rng.int(14)
  const first: Prover = {
    key: p1,
    replica: 0,
    sealed: s1,
    stopAt: rng.int(3) === 0 ? offerAt + rng.int(12) : Infinity,
  }
  const st: { sealed?: SealedSector; seedSeq?: number } = {}
  for (let n = 0; n < 4 * periods + 40; n++) {
    const txs: [TestKey, Operation[]][] = [...windowOp(net, id, first)]
    if (net.seq === offerAt)
      txs.push([p1, [{ type: 'offerHandOver', deal: id, replica: 0, to: p3.pk } as Operation]])
    txs.push(...(takerOps(net, id, t, piece, st) as [TestKey, Operation[]][]))
    if (st.sealed)
      txs.push(...windowOp(net, id, { key: p3, replica: 1, sealed: st.sealed, stopAt: Infinity }))
    await net.close(txs)
    checkLedger(net, [p1, p3], id)
  }
  return { net, client, clientStart, id, keys: [p1, p3] }
}

test('hand-overs at random moments: supply, held balances, and the term paid at most once', async () => {
  const rng = createRng(seed)
  for (let r = 0; r < RUNS; r++) {
    const { net, client, clientStart, id, keys } = await run(rng.fork(r))
    const deal = R.deal(net.state, id)!
    const ctx = `run ${r} seed=${seed}: ${JSON.stringify(deal.replicaList.map((x) => [x.state, x.reason, String(x.paid)]))}`
    assert.ok(
      deal.replicaList.every((x) => x.state === 'expired' || x.state === 'terminated'),
      ctx,
    )
    assert.ok(
      deal.replicaList.every((x) => x.escrow === 0n && x.clientCollateral === 0n),
      ctx,
    )
    const total = deal.replicaList[0]!.total
    const paid = deal.replicaList.reduce((s, x) => s + x.paid, 0n)
    assert.ok(paid <= total, `${ctx}: never more than the term`)
    const slashed = keys.reduce((s, k) => s + R.provider(net.state, k.address).slashed, 0n)
    const want = clientStart - FEE - paid + slashed / 2n
    assert.equal(getAccount(net.state, client.address)!.balance, want, ctx)
  }
})
