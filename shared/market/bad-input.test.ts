// Bad input gets its code and changes nothing (issue 13): every refusal below is probed against
// the same ledger closed empty, so a refused operation that wrote any market entry fails.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { watt } from '../ledger/amount.ts'
import { testKey } from '../ledger/test/fixtures.ts'
import { createRng } from '../util/prng.ts'
import { windowOpen } from './binding.ts'
import { marketModule } from './module.ts'
import {
  askOp,
  dealOp,
  offer,
  onboardAll,
  proofParts,
  preCommit,
  publish,
  STD_ASK,
  windowPostOp,
} from './test/flows.ts'
import { MarketNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 7)
console.log(`market bad-input tests seed=${seed} (replay with SEED=${seed})`)
const R = marketModule.readers

test('deals: larger than the ask, over collateral or capacity, a client without funds, duplicate or missing providers', async () => {
  const rng = createRng(seed)
  const net = new MarketNet()
  const [client, poor, p1, p2, p3, p4] = [
    testKey(400),
    testKey(401),
    testKey(402),
    testKey(403),
    testKey(404),
    testKey(405),
  ]
  await net.fund([client, p1, p2, p3, p4], watt(1000))
  await net.fund([poor], 20_000n as never)
  await offer(net, [p1], 30_000_000n, { ...STD_ASK, capacity: 16384 })
  await offer(net, [p2], 1_000n)
  await net.close([
    [p3, [{ type: 'addCollateral', amount: 10_000_000n }, askOp({ ...STD_ASK, capacity: 1000 })] as never],
  ])
  const piece = rng.bytes(4096)
  const probe = (k: typeof client, o: Record<string, unknown>) => net.probe(k, o)
  assert.equal(await probe(client, dealOp(net, rng.bytes(8000), [p1], {})), '', 'a fitting deal applies')
  assert.equal(
    await probe(client, dealOp(net, piece, [p1], { size: 9000 })),
    'bad_deal',
    'larger than the network takes',
  )
  await net.close([[p1, [askOp({ ...STD_ASK, capacity: 1 << 20, maxSize: 2048 })] as never]])
  assert.equal(await probe(client, dealOp(net, piece, [p1])), 'ask_size', 'larger than the ask allows')
  assert.equal(
    await probe(client, dealOp(net, piece.subarray(0, 2000), [p1], { periods: 101 })),
    'ask_duration',
  )
  assert.equal(await probe(client, dealOp(net, piece, [p2])), 'provider_collateral')
  assert.equal(await probe(client, dealOp(net, piece.subarray(0, 2000), [p3])), 'over_capacity')
  assert.equal(await probe(client, dealOp(net, piece, [p4])), 'no_ask')
  await net.close([[p1, [askOp(STD_ASK)] as never]])
  assert.equal(await probe(client, dealOp(net, piece, [p1, p1])), 'duplicate_provider')
  assert.equal(
    await probe(client, dealOp(net, piece, [client])),
    'bad_deal',
    'a client is not its own provider',
  )
  assert.equal(
    await probe(client, dealOp(net, piece, [p1], { startBy: net.seq + 2 })),
    '',
    'start next ledger',
  )
  assert.equal(
    await probe(client, dealOp(net, piece, [p1], { startBy: net.seq + 1 })),
    'bad_deal',
    'a start deadline not after its own ledger',
  )
  assert.equal(await probe(poor, dealOp(net, piece, [p1])), 'client_funds')
  assert.equal(await probe(p1, { type: 'withdrawCollateral', amount: 30_000_000n }), 'collateral_locked')
  assert.equal(await probe(p1, askOp({ ...STD_ASK, maxSize: 1 << 30 })), 'bad_ask')
})

test('sealing: wrong provider, state, ticket, seed; forged, foreign and replayed seal proofs; parts out of order', async () => {
  const rng = createRng(seed + 1)
  const net = new MarketNet()
  const [client, p1, p2] = [410, 411, 412].map(testKey) as [
    ReturnType<typeof testKey>,
    ReturnType<typeof testKey>,
    ReturnType<typeof testKey>,
  ]
  await net.fund([client, p1, p2], watt(1000))
  await offer(net, [p1, p2], 10_000_000n)
  const piece = rng.bytes(4096)
  const id = await publish(net, client, dealOp(net, piece, [p1, p2], { startBy: net.seq + 60 }))
  const probe = (k: typeof client, o: Record<string, unknown>) => net.probe(k, o)
  const commR = rng.bytes(32)
  const pre = (over: Record<string, unknown>) => ({
    type: 'preCommit',
    deal: id,
    replica: 0,
    sectorNumber: 1,
    ticketSeq: net.seq,
    commR,
    ...over,
  })
  assert.equal(await probe(p2, pre({})), 'not_provider')
  assert.equal(await probe(p1, pre({ deal: 99 })), 'unknown_deal')
  assert.equal(await probe(p1, pre({ ticketSeq: net.seq + 1 })), 'bad_ticket', 'a ticket from the future')
  await net.closeUntil(net.seq + 10)
  assert.equal(
    await probe(p1, pre({ ticketSeq: net.seq - 9 })),
    'bad_ticket',
    'a ticket older than ticketMaxAge',
  )
  const a = await preCommit(net, p1, { deal: id, replica: 0, sectorNumber: 1 }, piece)
  const b = await preCommit(net, p2, { deal: id, replica: 1, sectorNumber: 1 }, piece)
  const at0 = { deal: id, replica: 0 }
  const at1 = { deal: id, replica: 1 }
  const early = proofParts(at1, b.sealed.prove(new Uint8Array(32)))
  assert.equal(await probe(p2, early[0]!), 'seed_not_ready')
  assert.equal(await probe(p1, pre({})), 'bad_state', 'pre-committed already')
  await net.closeUntil(Math.max(a.seedSeq, b.seedSeq))
  const proofA = a.sealed.prove(net.hashOf(a.seedSeq))
  const forged = proofA.slice()
  forged[rng.int(forged.length)]! ^= 1 << rng.int(8)
  const [f0, f1, f2] = proofParts(at0, forged)
  assert.equal(await net.op(p1, f0!), '')
  assert.equal(await net.op(p1, f1!), '')
  assert.equal(await probe(p1, f2!), 'bad_seal_proof', 'a flipped byte')
  assert.equal(await probe(p1, { ...f2!, part: 5 }), 'bad_part')
  // p2's own seal proof under p1's replica: another replica id
  const foreign = proofParts(at0, b.sealed.prove(net.hashOf(b.seedSeq)))
  for (const part of foreign.slice(0, -1)) assert.equal(await net.op(p1, part), '')
  assert.equal(await probe(p1, foreign.at(-1)!), 'bad_seal_proof', "another provider's proof")
  // a proof with the wrong seed (an earlier ledger's header)
  const stale = proofParts(at0, a.sealed.prove(net.hashOf(a.seedSeq - 1)))
  for (const part of stale.slice(0, -1)) assert.equal(await net.op(p1, part), '')
  assert.equal(await probe(p1, stale.at(-1)!), 'bad_seal_proof', 'a seed of another ledger')
  const good = proofParts(at0, proofA)
  for (const part of good) assert.equal(await net.op(p1, part), '')
  assert.equal(R.deal(net.state, id)!.replicaList[0]!.state, 'active')
  assert.equal(await probe(p1, good[0]!), 'bad_state', 'a replayed seal proof')
  assert.equal(await probe(p1, { ...good.at(-1)!, replica: 1 }), 'not_provider')
})

test('window proofs: another sector, another window, before it opens, after its deadline, twice, unknown sectors', async () => {
  const rng = createRng(seed + 2)
  // windows of 20 ledgers: every probe below closes a ledger
  const net = new MarketNet({ provingPeriodLedgers: 40, windowLedgers: 20 })
  const [client, p1] = [420, 421].map(testKey) as [ReturnType<typeof testKey>, ReturnType<typeof testKey>]
  await net.fund([client, p1], watt(1000))
  await offer(net, [p1], 20_000_000n)
  const pieces = [rng.bytes(4096), rng.bytes(4096), rng.bytes(3000)]
  const ids: number[] = []
  for (const piece of pieces) ids.push(await publish(net, client, dealOp(net, piece, [p1], { periods: 5 })))
  // sectors 2 and 4 share window position 0, sector 3 is at position 1
  const sealed = await onboardAll(
    net,
    [2, 4, 3].map((n, i) => ({
      provider: p1,
      at: { deal: ids[i]!, replica: 0, sectorNumber: n },
      piece: pieces[i]!,
    })),
  )
  const [s2, s4, s3] = sealed as [(typeof sealed)[0], (typeof sealed)[0], (typeof sealed)[0]]
  const k = R.sector(net.state, p1.address, 2)!.firstPeriod
  assert.equal(R.sector(net.state, p1.address, 4)!.firstPeriod, k)
  const probe = (o: Record<string, unknown>) => net.probe(p1, o)
  const open = windowOpen(net.params, k, 0)
  assert.ok(net.seq < open)
  assert.equal(
    await probe({ type: 'submitWindowPost', period: k, sectors: [2], proof: new Uint8Array(64) }),
    'window_not_open',
  )
  await net.closeUntil(open)
  const op2 = windowPostOp(net, p1, k, [s2])
  assert.equal(await probe({ ...op2, sectors: [4] }), 'bad_post', "sector 2's proof for sector 4")
  assert.equal(await probe({ ...op2, sectors: [2, 3] }), 'wrong_window', 'two window positions')
  assert.equal(await probe({ ...op2, sectors: [6] }), 'unknown_sector')
  const tampered = op2.proof.slice()
  tampered[40]! ^= 1
  assert.equal(await probe({ ...op2, proof: tampered }), 'bad_post', 'a flipped byte')
  assert.equal(await probe(op2), '')
  assert.equal(await probe(op2), 'already_proven')
  // sector 4's proof for the previous period's window (stale randomness) is another window
  const stale = { ...windowPostOp(net, p1, k, [s4]), period: k }
  await net.closeUntil(windowOpen(net.params, k, 0) + net.params.windowLedgers)
  assert.equal(await probe(stale), 'post_late', 'after its deadline')
  // next period: a proof made with the last window's randomness does not verify
  await net.closeUntil(windowOpen(net.params, k + 1, 0))
  assert.equal(await probe({ ...stale, period: k + 1 }), 'bad_post', 'randomness of another window')
  assert.equal(await probe(windowPostOp(net, p1, k + 1, [s2, s4])), '')
  void s3
})
