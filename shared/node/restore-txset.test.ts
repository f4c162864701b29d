// A validator whose page closed after it said EXTERNALIZE for a ledger of payments but before
// that ledger was committed: on restart it restores its statement, yet the tx set it named lived
// only in memory (its own mempool's set; a lone validator has no peer to fetch it from). It must
// still apply exactly that value and close further ledgers, alone (1 of 1) or among peers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { nobleSigner } from '../crypto/noble.ts'
import { getAccount, watt } from '../ledger/index.ts'
import { body, create, keyOf, signed } from '../ledger/test/fixtures.ts'
import type { ConsensusNodePorts } from './consensus-node.ts'
import type { SavedEnvelopes } from './own-envelopes.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 7)

for (const size of [1, 4]) {
  test(`${size} validator(s): a restored EXTERNALIZE whose tx set died with the page still closes (seed ${seed})`, async () => {
    const net = createTestNet(size, seed)
    let saved: SavedEnvelopes | undefined
    const store = {
      load: async () => saved,
      save: async (s: SavedEnvelopes) => {
        saved = s
      },
    }
    // node 0 "crashes" inside the commit of the first ledger that carries a transaction: that
    // commit and every later one fail, and it is cut off from the network
    let crashed = false
    const crashing: ConsensusNodePorts['commit'] = async (closed, set) => {
      crashed ||= set.txs.length > 0
      if (crashed) {
        net.offline.add(0)
        throw new Error('page closed')
      }
      net.hashes[0]!.set(closed.header.seq, cidString(closed.headerCid))
    }
    const old = net.makeNode(0, { ports: { ownEnvelopes: store, commit: crashing } })
    for (let i = 1; i < size; i++) net.makeNode(i)
    for (const n of net.nodes) await n!.start()
    await net.run(3000)

    const to = keyOf(nobleSigner(net.rng.bytes(32)))
    const from = keyOf(net.faucet)
    const tx = await signed(from, body(from, 1n, [create(to, watt(5n))], { network: 'test' }))
    assert.ok((await old.submit(tx)).ok)
    await net.run(3000)
    const slot = old.current().header.seq + 1
    assert.equal(saved?.slot, slot, 'node 0 saved its statements of the ledger it was committing')
    assert.ok(crashed, 'node 0 crashed while committing the payment')
    old.stop()
    net.offline.delete(0)

    const restarted = net.makeNode(0, { state: old.current(), ports: { ownEnvelopes: store } })
    await restarted.start()
    assert.ok((restarted.status().counters.restored_envelopes ?? 0) >= 1, 'restored its envelopes')
    await net.run(10_000)

    const seqs = net.seqs()
    assert.ok(seqs[0]! > slot + 2, `node 0 went on closing after restart (seed ${seed}): ${seqs}`)
    assert.equal(getAccount(restarted.current(), to.address)?.balance, watt(5n))
    assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
  })
}
