// Seeded multi-node runs: 4-7 nodes under loss, reordering and delay must never externalize
// different values for a slot, and must keep externalizing once the network calms down.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { flatQuorum, nodeIds, TestNetwork } from './test/network.ts'

const baseSeed = process.env['SEED'] ? Number(process.env['SEED']) : 1
const SEEDS = Number(process.env['SCP_SEEDS'] ?? 24)

test(`lossy networks of 4-7 nodes agree and then progress (seeds ${baseSeed}..${baseSeed + SEEDS - 1})`, async () => {
  for (let seed = baseSeed; seed < baseSeed + SEEDS; seed++) {
    const n = 4 + (seed % 4)
    const ids = nodeIds(n)
    const net = new TestNetwork({
      seed,
      nodes: ids.map((id) => ({ id, qset: flatQuorum(ids), validator: true })),
      loss: 0.3,
      maxDelay: 1500,
      calmAt: 10_000,
    })
    await net.run(4, 200_000)
    const msg = `seed ${seed} (replay with SEED=${seed} SCP_SEEDS=1), ${n} nodes`
    assert.deepEqual(net.conflicts(), [], `conflicting externalize: ${msg}`)
    for (const node of net.nodes.values()) {
      assert.equal(node.doubleExternalize, 0, `double externalize: ${msg}`)
      assert.ok(
        node.externalized.size >= 4,
        `${node.spec.id} stuck at ${node.externalized.size} slots: ${msg}`,
      )
    }
  }
})

test(`a dead validator, a watcher and nested quorum sets (seeds ${baseSeed}..${baseSeed + 7})`, async () => {
  for (let seed = baseSeed; seed < baseSeed + 8; seed++) {
    // Two organisations of 3 validators, 2 of 3 each, both required; one validator is dead.
    const ids = nodeIds(6)
    const org = (xs: typeof ids) => ({ threshold: 2, validators: xs, innerSets: [] })
    const qset = { threshold: 2, validators: [], innerSets: [org(ids.slice(0, 3)), org(ids.slice(3))] }
    const watcher = 'w0' as (typeof ids)[number]
    const net = new TestNetwork({
      seed,
      nodes: [...ids.map((id) => ({ id, qset, validator: true })), { id: watcher, qset, validator: false }],
      loss: 0.2,
      maxDelay: 800,
      calmAt: 10_000,
      dead: [ids[seed % 6]!],
    })
    await net.run(3, 200_000)
    const msg = `seed ${seed} (replay with SEED=${seed})`
    assert.deepEqual(net.conflicts(), [], `conflicting externalize: ${msg}`)
    for (const node of net.nodes.values()) {
      if (node.spec.id === ids[seed % 6]) continue
      assert.ok(node.externalized.size >= 3, `${node.spec.id} stuck at ${node.externalized.size}: ${msg}`)
    }
    assert.equal(net.nodes.get(watcher)!.scp.stats().emitted, 0, `watcher emitted: ${msg}`)
  }
})
