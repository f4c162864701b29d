// Several consensus nodes (real SCP, real ledger, real signatures) on a seeded in-memory gossip
// bus under a virtual clock: they close ledgers together, agree on every hash, apply a payment
// submitted at one of them, and a node that joins late catches up by verified EXTERNALIZEs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../crypto/address.ts'
import { nobleSigner } from '../crypto/noble.ts'
import { type Amount, encodeTx, getAccount, type Operation, signTx, watt } from '../ledger/index.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 11)

test(`4 validators close ledgers with identical hashes, apply a payment, and a late watcher catches up (seed ${seed})`, async () => {
  const net = createTestNet(4, seed)
  const { rng, faucet, nodes } = net
  for (let i = 0; i < 4; i++) net.makeNode(i)
  for (const n of nodes) await n!.start()
  await net.run(5000)
  const to = nobleSigner(rng.bytes(32))
  const tx = await signTx(
    {
      network: 'test',
      source: faucet.publicKey,
      seq: 1n,
      fee: 100n as Amount,
      minTimeMs: 0,
      maxTimeMs: 0,
      memo: new Uint8Array(0),
      ops: [{ type: 'createAccount', dest: to.publicKey, amount: watt(5n) } as Operation],
    },
    [faucet],
  )
  const submitted = await nodes[1]!.submit(encodeTx(tx))
  assert.ok(submitted.ok, JSON.stringify(submitted))
  await net.run(10_000)
  const watcher = net.makeNode(4, { isValidator: false, signer: nobleSigner(rng.bytes(32)) })
  await watcher.start()
  await net.run(8_000)
  const seqs = net.seqs()
  assert.ok(Math.min(...seqs.slice(0, 4)) >= 12, `validators closed ${seqs}`)
  assert.ok(seqs[4]! >= Math.min(...seqs.slice(0, 4)) - 1, `watcher caught up: ${seqs}`)
  assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
  for (const n of nodes) assert.equal(getAccount(n!.current(), addressOf(to.publicKey))?.balance, watt(5n))
})
