// Several consensus nodes (real SCP, real ledger, real signatures) on a seeded in-memory gossip
// bus under a virtual clock: they close ledgers together, agree on every hash, apply a payment
// submitted at one of them, and a node that joins late catches up by verified EXTERNALIZEs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nobleSigner } from '../crypto/noble.ts'
import { getAccount, watt } from '../ledger/index.ts'
import { body, create, keyOf, signed } from '../ledger/test/fixtures.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 11)

test(`4 validators close ledgers with identical hashes, apply a payment, and a late watcher catches up (seed ${seed})`, async () => {
  const net = createTestNet(4, seed)
  const { rng, faucet, nodes } = net
  for (let i = 0; i < 4; i++) net.makeNode(i)
  for (const n of nodes) await n!.start()
  await net.run(5000)
  const to = keyOf(nobleSigner(rng.bytes(32)))
  const from = keyOf(faucet)
  const tx = await signed(from, body(from, 1n, [create(to, watt(5n))], { network: 'test' }))
  const submitted = await nodes[1]!.submit(tx)
  assert.ok(submitted.ok, JSON.stringify(submitted))
  await net.run(10_000)
  const watcher = net.makeNode(4, { isValidator: false, signer: nobleSigner(rng.bytes(32)) })
  await watcher.start()
  await net.run(8_000)
  const seqs = net.seqs()
  assert.ok(Math.min(...seqs.slice(0, 4)) >= 12, `validators closed ${seqs}`)
  assert.ok(seqs[4]! >= Math.min(...seqs.slice(0, 4)) - 1, `watcher caught up: ${seqs}`)
  assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
  for (const n of nodes) assert.equal(getAccount(n!.current(), to.address)?.balance, watt(5n))
})
