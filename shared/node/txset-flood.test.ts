// Issue 12, finding 1: a peer floods junk tx sets from 64 rotating sources. Empty sets on random
// previous headers at 2,000/s for 15 s used to evict the sets pending envelopes named, and the
// network halted for good (seed 1 halted 4 validators and stalled 7); sets of signed but unfunded
// txs on the current header cost a signature check each. Now the sets a slot needs cannot be
// evicted, sets for unknown slots are refused unread, and the rest cost only a bounded budget.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOf } from '../codec/dag-cbor.ts'
import { nobleSigner } from '../crypto/noble.ts'
import type { Verifier } from '../crypto/signer.ts'
import { watt } from '../ledger/index.ts'
import { body, create, keyOf, signed } from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { encodeMessage } from './messages.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 1)
const FLOOD_MS = 15_000
const SOURCES = 64
type Net = ReturnType<typeof createTestNet>

/** Signed (but unfunded) txs: sets made of them pass every stateless check. */
const junkTxs = (net: Net) => {
  const attacker = keyOf(nobleSigner(net.rng.bytes(32)))
  return Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      signed(attacker, body(attacker, BigInt(i + 1), [create(attacker, watt(1n))], { network: 'test' })),
    ),
  )
}

/** One junk set per tick from the next source, one event at a time on the clock. */
const flood = (
  net: Net,
  perSecond: number,
  junk: (n: number) => { prevHeader: unknown; txs: Uint8Array[]; proof: Uint8Array[] },
) => {
  const end = net.clock.now + FLOOD_MS
  let sent = 0
  const next = () => {
    const n = sent++
    net.broadcastFrom(
      `attacker-${n % SOURCES}`,
      'scp',
      encodeMessage({ type: 'txset', set: junk(n) as never }),
    )
    if (net.clock.now + 1000 / perSecond < end) net.clock.schedule(1000 / perSecond, next)
  }
  net.clock.schedule(0, next)
  return () => sent
}

/** A net whose node 0 counts the signatures it checks. */
const countingNet = async (validators: number) => {
  const net = createTestNet(validators, seed)
  const checks = { n: 0 }
  const verifier: Verifier = {
    verify: (pk, m, sig) => {
      checks.n++
      return nodeVerifier.verify(pk, m, sig)
    },
    verifyBatch: (items) => {
      checks.n += items.length
      return nodeVerifier.verifyBatch(items)
    },
  }
  net.makeNode(0, { ports: { verifier } })
  for (let i = 1; i < validators; i++) net.makeNode(i)
  for (const n of net.nodes) await n!.start()
  await net.run(5_000)
  return { net, checks }
}

/** Runs the flood and 15 s after it; every validator must close >= 12 ledgers in each half. */
const assertKeepsClosing = async (net: Net, sent: () => number) => {
  const before = net.seqs()
  await net.run(FLOOD_MS)
  const during = net.seqs()
  await net.run(15_000)
  const after = net.seqs()
  const msg = `seed ${seed}: before ${before} during ${during} after ${after}, ${sent()} junk sets`
  before.forEach((b, i) => {
    assert.ok(during[i]! - b >= 12, `closed during the flood: ${msg}`)
    assert.ok(after[i]! - during[i]! >= 12, `closed after the flood: ${msg}`)
  })
  assert.equal(net.agreeOnEveryLedger(), undefined, msg)
  return msg
}

for (const validators of [4, 7]) {
  test(`${validators} validators keep closing through 15 s of junk tx sets at 2,000/s from 64 sources (seed ${seed})`, async () => {
    const { net } = await countingNet(validators)
    const sent = flood(net, 2000, () => ({ prevHeader: cidOf(net.rng.bytes(32)), txs: [], proof: [] }))
    const msg = await assertKeepsClosing(net, sent)
    assert.ok(sent() >= 2000 * 15 - 1, msg)
    const counters = net.nodes[0]!.status().counters
    assert.ok((counters.txset_unknown_slot ?? 0) >= 20_000, JSON.stringify(counters))
  })
}

test(`junk sets on the current header cost signature checks only within the budget (seed ${seed})`, async () => {
  const { net, checks } = await countingNet(4)
  const txs = await junkTxs(net)
  // a distinct set per tick: a subset of the junk txs, on the header the network is at
  const sent = flood(net, 500, (n) => ({
    prevHeader: net.nodes[0]!.current().headerCid,
    txs: txs.filter((_, b) => (n & (1 << b)) !== 0),
    proof: [],
  }))
  const start = checks.n
  const msg = await assertKeepsClosing(net, sent)
  const counters = net.nodes[0]!.status().counters
  assert.ok((counters.txset_unsolicited_throttled ?? 0) > 0, JSON.stringify(counters))
  // node-wide budget: (burst 32 + 16/s x 15 s) sets of at most 8 txs, beside ~2,000 honest checks
  const budget = (32 + 16 * 15) * 8 + 2000
  assert.ok(
    checks.n - start <= budget,
    `${checks.n - start} signature checks on node 0, budget ${budget}: ${msg}`,
  )
})
