// Issue 12, findings 2-5: forged quorum sets, a spoofed quorum-set announcement, a padded
// catch-up answer and requests that would amplify are each refused with a counted code, throw
// nothing and change nothing (no quorum set filed, no ledger applied, no answer flood).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOf, cidString, decode, encode } from '../codec/dag-cbor.ts'
import { nodeSigner } from '../ledger/test/node-ed25519.ts'
import { analyzeQuorumHealth } from '../quorum/health.ts'
import {
  decodeEnvelope,
  DEFAULT_SCP_LIMITS,
  encodeEnvelope,
  type NodeId,
  type QuorumSet,
  quorumSetHash,
  type Statement,
} from '../scp/index.ts'
import type { LedgerHistory } from './catchup.ts'
import { type ArchivedLedger, decodeLedgerMessage, decodeScpMessage, encodeMessage } from './messages.ts'
import { createTestNet } from './test/net.ts'
import { encodeLedgerValue } from './value.ts'

const seed = Number(process.env.SEED ?? 1202)

/** A running 4-validator net whose node 0's archived ledgers are captured as it saves them. */
const runningNet = async () => {
  const net = createTestNet(4, seed)
  const saved: ArchivedLedger[] = []
  const history: LedgerHistory = { load: async () => undefined, save: async (l) => void saved.push(l) }
  const published: Array<{ from: number; kind: string; data: Uint8Array }> = []
  for (let i = 0; i < 4; i++)
    net.makeNode(i, {
      ports: i === 0 ? { history } : {},
      tap: (kind, data) => published.push({ from: i, kind, data }),
    })
  for (const n of net.nodes) await n!.start()
  await net.run(6_000)
  return { net, saved, published }
}

/** A nomination by `nodeId` (unsigned: a zero signature) naming `qset` and the given values. */
const nominate = (nodeId: NodeId, slot: number, qset: QuorumSet, votes: Uint8Array[]): Uint8Array => {
  const statement: Statement = {
    type: 'nominate',
    nodeId,
    slot,
    quorumSetHash: quorumSetHash(qset),
    votes: [...votes].sort((a, b) => Buffer.compare(a, b)),
    accepted: [],
  }
  return encodeEnvelope({ statement, signature: new Uint8Array(64) })
}

/** A real envelope message with its quorum-set field replaced (the signed part untouched). */
const withQset = (message: Uint8Array, qset: unknown): Uint8Array => {
  const m = decode<Record<string, unknown>>(message, 1 << 20)
  assert.ok(m.ok)
  return encode({ ...m.value, qset })
}

test(`forged quorum sets are counted and never filed; status and health still work (seed ${seed})`, async () => {
  const { net, published } = await runningNet()
  const node = net.nodes[1]!
  const real = published.find((p) => p.from === 0 && decodeScpMessage(p.data)?.type === 'envelope')!
  const before = node.knownQuorumSets()
  const forged = [
    { threshold: 1, validators: 'WAAAAAAAAAAAAAAAAAAAA', innerSets: [] },
    { threshold: 1, validators: [], innerSets: [{}] },
    { threshold: 1, validators: [], innerSets: [null] },
  ]
  for (const q of forged) await node.receive('scp', withQset(real.data, q), 'attacker')
  // a sane set, but not the one the (next-slot) statement names
  const value = encodeLedgerValue({ txSet: cidString(cidOf('x')), closeTimeMs: 1, upgrades: [] })
  const env = nominate(net.ids[0]!, node.current().header.seq + 1, net.quorumSet, [value])
  const other: QuorumSet = { threshold: 1, validators: [net.ids[0]!], innerSets: [] }
  await node.receive('scp', encodeMessage({ type: 'envelope', env, qset: other }), 'attacker')
  const counters = node.status().counters
  // the message guard refuses the malformed ones whole; a sane set that the statement does not
  // name is ignored
  assert.equal(counters.scp_malformed, 3, JSON.stringify(counters))
  assert.equal(counters.qset_mismatch, 1, JSON.stringify(counters))
  assert.deepEqual(node.knownQuorumSets(), before)
  assert.doesNotThrow(() => analyzeQuorumHealth(node.knownQuorumSets()))
})

test(`a spoofed announcement (a validator's id, a bad signature) sets nobody's quorum set (seed ${seed})`, async () => {
  const { net } = await runningNet()
  const node = net.nodes[1]!
  const victim = net.ids[2]!
  const fake: QuorumSet = { threshold: 1, validators: [victim], innerSets: [] }
  const value = encodeLedgerValue({ txSet: cidString(cidOf('x')), closeTimeMs: 1, upgrades: [] })
  const slot = node.current().header.seq + 1
  const env = nominate(victim, slot, fake, [value])
  await node.receive('scp', encodeMessage({ type: 'envelope', env, qset: fake }), 'attacker')
  assert.deepEqual(node.knownQuorumSets().get(victim), net.quorumSet)
  assert.ok((node.status().counters.envelope_rejected_bad_signature ?? 0) >= 1, JSON.stringify(node.status()))
})

test(`an unsigned nomination naming 64 unknown tx sets makes no node ask for any (seed ${seed})`, async () => {
  const { net, published } = await runningNet()
  const node = net.nodes[1]!
  const slot = node.current().header.seq + 1
  const values = Array.from({ length: 64 }, (_, i) =>
    encodeLedgerValue({ txSet: cidString(cidOf(`junk ${i}`)), closeTimeMs: 1 + i, upgrades: [] }),
  )
  const start = published.length
  const env = nominate(net.ids[3]!, slot, net.quorumSet, values)
  await node.receive('scp', encodeMessage({ type: 'envelope', env, qset: net.quorumSet }), 'attacker')
  const asked = published
    .slice(start)
    .filter((p) => p.from === 1 && decodeScpMessage(p.data)?.type === 'txset-req')
  assert.equal(asked.length, 0)
  assert.equal(node.status().counters.envelope_rejected_bad_signature, 1)
})

test(`catch-up and tx-set requests draw about one answer, not one per node per request (seed ${seed})`, async () => {
  const { net, published } = await runningNet()
  const start = published.length
  const from = net.nodes[0]!.current().header.seq - 3
  // 100 catch-up requests from 10 sources within one second
  for (let i = 0; i < 100; i++)
    net.clock.schedule(i * 10, () =>
      net.broadcastFrom(`peer-${i % 10}`, 'ledger', encodeMessage({ type: 'catchup-req', from, limit: 32 })),
    )
  await net.run(1_000)
  const answers = published.slice(start).filter((p) => decodeLedgerMessage(p.data)?.type === 'catchup-res')
  assert.ok(answers.length >= 1 && answers.length <= 2, `${answers.length} catch-up answers to 100 requests`)
  // tx-set requests: an unknown set is never answered
  const before = net.nodes.map((n) => n!.status().counters.txset_req_unknown ?? 0)
  const unknown = cidString(cidOf('never made'))
  for (let i = 0; i < 50; i++)
    net.broadcastFrom(`peer-${i % 10}`, 'scp', encodeMessage({ type: 'txset-req', cid: unknown }))
  await net.run(500)
  for (const [i, n] of net.nodes.entries())
    assert.equal((n!.status().counters.txset_req_unknown ?? 0) - before[i]!, 50)
})

test(`50 requests for a held tx set draw a few answers in all, not one per node per request (seed ${seed})`, async () => {
  const net = createTestNet(4, seed)
  const sets: Array<{ cid: string; from: number }> = []
  let target: string | undefined
  for (let i = 0; i < 4; i++)
    net.makeNode(i, {
      tap: (kind, data) => {
        const m = kind === 'scp' ? decodeScpMessage(data) : undefined
        if (m?.type !== 'txset') return
        const cid = cidString(cidOf(m.set))
        sets.push({ cid, from: i })
        if (i !== 0 || target !== undefined || net.clock.now < 4_000) return
        target = cid
        for (let r = 0; r < 50; r++)
          net.clock.schedule(r * 4, () =>
            net.broadcastFrom(`peer-${r % 10}`, 'scp', encodeMessage({ type: 'txset-req', cid })),
          )
      },
    })
  for (const n of net.nodes) await n!.start()
  await net.run(6_000)
  assert.ok(target !== undefined, 'node 0 nominated after 4 s')
  // validators nominating the same (empty) set each flood it once; beyond that each answers at
  // most once within the suppression second
  for (let i = 0; i < 4; i++) {
    const copies = sets.filter((s) => s.cid === target && s.from === i).length
    assert.ok(copies <= 3, `node ${i} sent the requested set ${copies} times`)
  }
})

test(`a padded catch-up answer with a forged entry is rejected and nothing is applied (seed ${seed})`, async () => {
  const { net, saved } = await runningNet()
  const real = saved.findLast((l) => l.seq === 2)!
  assert.ok(real && real.externalizes.length >= 3, 'node 0 archived ledger 2 with its proof')
  // a late watcher that hears only what the test hands it
  const watcher = net.makeNode(4, { isValidator: false, signer: nodeSigner(net.rng.bytes(32)) })
  net.offline.add(4)
  await watcher.start() // asks for catch-up, so answers are read
  const offlineValidator = net.ids[3]!
  const forgedEntry = (() => {
    const first = decodeEnvelope(real.externalizes[0]!, DEFAULT_SCP_LIMITS)
    assert.ok(first.ok)
    const st = { ...first.value.statement, nodeId: offlineValidator }
    return encodeEnvelope({ statement: st, signature: new Uint8Array(64).fill(7) })
  })()
  const others = real.externalizes.filter((e) => {
    const d = decodeEnvelope(e, DEFAULT_SCP_LIMITS)
    return d.ok && d.value.statement.nodeId !== offlineValidator
  })
  const padded: ArchivedLedger = { ...real, externalizes: [...others, forgedEntry] }
  await watcher.receive('ledger', encodeMessage({ type: 'catchup-res', ledgers: [padded] }), 'liar')
  assert.equal(watcher.current().header.seq, 1, 'nothing applied')
  assert.equal(watcher.status().counters.catchup_rejected_signature, 1)
  // more entries than any quorum set can name: refused by the decoder
  const junk = Array.from({ length: 1001 }, () => others[0]!)
  await watcher.receive(
    'ledger',
    encodeMessage({ type: 'catchup-res', ledgers: [{ ...real, externalizes: junk }] }),
    'liar',
  )
  assert.equal(watcher.status().counters.ledger_malformed, 1)
  // the real answer still works
  await watcher.receive('ledger', encodeMessage({ type: 'catchup-res', ledgers: [real] }), 'honest')
  assert.equal(watcher.current().header.seq, 2)
})
