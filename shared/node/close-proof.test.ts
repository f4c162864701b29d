// Node rewards count only EXTERNALIZEs that were really signed (issue 11, item 2): a Byzantine
// validator proposes tx sets whose close proof names itself without a valid signature (noise),
// with its real EXTERNALIZE of an older ledger (a replay), or names an outsider; every honest
// node refuses each, counted, and no ledger after it went silent credits it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { addressOf } from '../crypto/address.ts'
import { nodeSigner } from '../ledger/test/node-ed25519.ts'
import { makeTxSet } from '../ledger/index.ts'
import {
  DEFAULT_SCP_LIMITS,
  decodeEnvelope,
  encodeEnvelope,
  type NodeId,
  quorumSetHash,
  type Statement,
  signingBytes,
} from '../scp/index.ts'
import { utf8 } from '../util/bytes.ts'
import { decodeScpMessage, encodeMessage } from './messages.ts'
import { createTestNet } from './test/net.ts'
import { encodeLedgerValue } from './value.ts'

const seed = Number(process.env.SEED ?? 1101)
type Net = ReturnType<typeof createTestNet>

const sign = async (signer: ReturnType<typeof nodeSigner>, st: Statement) =>
  encodeEnvelope({ statement: st, signature: await signer.sign(signingBytes(utf8('test'), st)) })

/** An EXTERNALIZE of node `id` for `slot` naming `value`, with a signature of `signer`'s (or noise). */
const externalize = (
  net: Net,
  id: NodeId,
  slot: number,
  value: Uint8Array,
  signer?: ReturnType<typeof nodeSigner>,
) => {
  const st: Statement = {
    type: 'externalize',
    nodeId: id,
    slot,
    commit: { counter: 1, value },
    nH: 1,
    commitQuorumSetHash: quorumSetHash(net.quorumSet),
  }
  return signer
    ? sign(signer, st)
    : Promise.resolve(encodeEnvelope({ statement: st, signature: new Uint8Array(64).fill(9) }))
}

/** Node 3 (Byzantine) nominates for the next slot a value whose tx set carries `proof`. */
const propose = async (net: Net, proof: Uint8Array[]) => {
  const state = net.nodes[0]!.current()
  const set = makeTxSet(state.headerCid, [], proof)
  const value = encodeLedgerValue({
    txSet: cidString(set.cid),
    closeTimeMs: state.header.closeTimeMs + 500,
    upgrades: [],
  })
  const st: Statement = {
    type: 'nominate',
    nodeId: net.ids[3]!,
    slot: state.header.seq + 1,
    quorumSetHash: quorumSetHash(net.quorumSet),
    votes: [value],
    accepted: [],
  }
  net.broadcastFrom('byzantine', 'scp', encodeMessage({ type: 'txset', set: set.set }))
  const env = await sign(net.keys[3]! as ReturnType<typeof nodeSigner>, st)
  net.broadcastFrom('byzantine', 'scp', encodeMessage({ type: 'envelope', env, qset: net.quorumSet }))
}

test(`a close proof naming a signer without a valid EXTERNALIZE is refused by every honest node (seed ${seed})`, async () => {
  const net = createTestNet(4, seed)
  const credited: Array<{ seq: number; signers: readonly string[] }> = []
  const oldExternalizes: Uint8Array[] = []
  for (let i = 0; i < 4; i++)
    net.makeNode(i, {
      tap: (kind, data) => {
        const m = i === 3 && kind === 'scp' ? decodeScpMessage(data) : undefined
        if (m?.type !== 'envelope') return
        const d = decodeEnvelope(m.env, DEFAULT_SCP_LIMITS)
        if (d.ok && d.value.statement.type === 'externalize') oldExternalizes.push(m.env)
      },
    })
  net.nodes[0]!.onClosed((e) => credited.push({ seq: e.closed.header.seq, signers: e.closed.info.signers }))
  for (const n of net.nodes) await n!.start()
  await net.run(4000)
  assert.ok(oldExternalizes.length > 0, 'node 3 signed EXTERNALIZEs while honest')
  assert.ok(
    credited.some((c) => c.signers.includes(net.ids[3]!)),
    'node 3 was credited while it signed',
  )
  net.offline.add(3) // from now on node 3 says nothing of its own: only the attacks below
  const silentFrom = net.nodes[0]!.current().header.seq + 1
  const outsider = nodeSigner(net.rng.bytes(32))
  const outsiderId = addressOf(outsider.publicKey) as string as NodeId
  const attacks = [
    async () => [
      await externalize(net, net.ids[3]!, net.nodes[0]!.current().header.seq, new Uint8Array([1])),
    ],
    async () => [oldExternalizes[0]!],
    async () => [
      await externalize(net, outsiderId, net.nodes[0]!.current().header.seq, new Uint8Array([1]), outsider),
    ],
  ]
  for (const attack of attacks) {
    await propose(net, await attack())
    await net.run(3000)
  }
  await net.run(3000)
  for (let i = 0; i < 3; i++) {
    const c = net.nodes[i]!.status().counters
    const why = JSON.stringify(c)
    assert.ok((c.txset_proof_bad_signature ?? 0) >= 1, `node ${i} refused the forged signature: ${why}`)
    assert.ok((c.txset_proof_wrong_ledger ?? 0) >= 1, `node ${i} refused the replayed EXTERNALIZE: ${why}`)
    assert.ok((c.txset_proof_not_validator ?? 0) >= 1, `node ${i} refused the outsider: ${why}`)
  }
  // the proof of ledger L names the signers of L - 1: the first one node 3 signed none of
  const after = credited.filter((c) => c.seq > silentFrom)
  assert.ok(after.length >= 8, `the honest three kept closing: ${after.length} ledgers`)
  for (const c of after) assert.ok(!c.signers.includes(net.ids[3]!), `ledger ${c.seq} credits silent node 3`)
  for (const c of after) assert.ok(!c.signers.includes(outsiderId), `ledger ${c.seq} credits an outsider`)
  assert.equal(net.agreeOnEveryLedger(), undefined)
})
