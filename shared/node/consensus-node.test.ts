// Several consensus nodes (real SCP, real ledger, real signatures) on a seeded in-memory gossip
// bus under a virtual clock: they close ledgers together, agree on every hash, apply a payment
// submitted at one of them, and a node that joins late catches up by verified EXTERNALIZEs.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidString } from '../codec/dag-cbor.ts'
import { addressOf } from '../crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../crypto/noble.ts'
import {
  type Amount,
  encodeTx,
  genesisState,
  getAccount,
  makeGenesisConfig,
  type Operation,
  signTx,
  watt,
} from '../ledger/index.ts'
import type { NodeId, QuorumSet } from '../scp/index.ts'
import { VirtualClock } from '../scp/test/virtual-clock.ts'
import { utf8 } from '../util/bytes.ts'
import { createRng } from '../util/prng.ts'
import { type ConsensusNode, createConsensusNode, type GossipKind } from './consensus-node.ts'
import { networkProtocol } from './protocol.ts'

const seed = Number(process.env.SEED ?? 11)

const setup = (n: number) => {
  const rng = createRng(seed)
  const keys = Array.from({ length: n }, () => nobleSigner(rng.bytes(32)))
  const faucet = nobleSigner(rng.bytes(32))
  const ids = keys.map((k) => addressOf(k.publicKey) as string as NodeId)
  const config = makeGenesisConfig({
    networkId: 'test',
    genesisTimeMs: 1_000_000,
    reserveAddress: addressOf(rng.bytes(32)),
    validators: ids as never,
    closeIntervalMs: 1000,
    dayLengthMs: 3_600_000,
    faucet: { address: addressOf(faucet.publicKey), amount: watt(1000n) },
  })
  const quorumSet: QuorumSet = { threshold: Math.floor((2 * n) / 3) + 1, validators: ids, innerSets: [] }
  return { rng, keys, faucet, config, quorumSet }
}

test(`4 validators close ledgers with identical hashes, apply a payment, and a late watcher catches up (seed ${seed})`, async () => {
  const { rng, keys, faucet, config, quorumSet } = setup(4)
  const clock = new VirtualClock()
  clock.now = config.genesisTimeMs
  const nodes: ConsensusNode[] = []
  const hashes: Array<Map<number, string>> = []
  const deliver = (from: number, kind: GossipKind, data: Uint8Array) => {
    nodes.forEach((n, i) => {
      if (i !== from && (i !== 4 || joined)) clock.schedule(5 + rng.int(40), () => n.receive(kind, data))
    })
  }
  let joined = false
  const makeNode = (i: number, isValidator: boolean, signer = keys[i]!) => {
    const holder = { current: [] as readonly string[] }
    const env = { config, protocol: networkProtocol(holder) }
    const seen = new Map<number, string>()
    hashes[i] = seen
    const node = createConsensusNode(
      {
        env,
        signersHolder: holder,
        networkId: utf8('test'),
        nodeId: addressOf(signer.publicKey) as string as NodeId,
        quorumSet,
        isValidator,
        state: genesisState(config).state,
      },
      {
        now: () => clock.now,
        setTimer: (ms, cb) => {
          const id = clock.schedule(ms, cb)
          return () => clock.cancel(id)
        },
        publish: (kind, data) => deliver(i, kind, data),
        signer,
        verifier: nobleVerifier,
        commit: async (closed) => {
          seen.set(closed.header.seq, cidString(closed.headerCid))
        },
      },
    )
    nodes[i] = node
    return node
  }
  for (let i = 0; i < 4; i++) makeNode(i, true)
  for (const n of nodes) n.start()
  const run = async (ms: number) => {
    const until = clock.now + ms
    while (await clock.step(until)) {}
    clock.now = until
  }
  await run(5000)
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
  await run(10_000)
  const watcher = makeNode(4, false, nobleSigner(rng.bytes(32)))
  joined = true
  watcher.start()
  await run(8_000)
  const seqs = nodes.map((n) => n.current().header.seq)
  assert.ok(Math.min(...seqs.slice(0, 4)) >= 12, `validators closed ${seqs}`)
  assert.ok(seqs[4]! >= Math.min(...seqs.slice(0, 4)) - 1, `watcher caught up: ${seqs}`)
  for (let s = 2; s <= Math.min(...seqs); s++) {
    const h = new Set(hashes.map((m) => m.get(s)))
    assert.equal(h.size, 1, `slot ${s} hashes differ (seed ${seed})`)
  }
  for (const n of nodes) assert.equal(getAccount(n.current(), addressOf(to.publicKey))?.balance, watt(5n))
})
