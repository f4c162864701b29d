// Paid retrieval through the ledger (issue 15 item 3), with the whole retrieval service on each
// node, real wallets and a test ledger running the network's modules. Two servers set different
// prices; the client fetches a file from both in parallel: one openChannel funds it, each server
// is paid by cumulative vouchers for exactly the bytes verified from it, redeems the latest one
// itself, and its serve stats count what the ledger paid. A second fetch from the same servers
// reuses the channel (no new channel operation) and the vouchers keep growing from where they
// were. After the channel expires and its dispute window shuts, the rest goes back to the client:
// redeemed plus reclaimed equals funded to the unit, every balance moved by exactly bytes x price
// plus the fees, and the supply is unchanged. A peer that never pays is refused after one interval.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type Address, addressOf } from '../../shared/crypto/address.ts'
import { getAccount, totalSupply } from '../../shared/ledger/index.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { signAnnouncement } from '../../shared/retrieval/find-announcements.ts'
import { retrievalModule } from '../../shared/retrieval/module.ts'
import { createRng } from '../../shared/util/prng.ts'
import { type MemoryNet, testVault } from '../market/test-devices.ts'
import { testLedger } from '../node/test-ledger.ts'
import { PAYMENT_INTERVAL } from './payments-server.ts'
import { encodeRetrieveRequest, decodeRetrieveAnswer, RETRIEVE_PROTOCOL } from './retrieve-wire.ts'
import { minerNode, referenceFile, type Sub } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`paid-retrieval test seed=${seed} (replay with SEED=${seed})`)

const R = retrievalModule.readers
/** Channels live 740 ledgers here (the node keeps one only with 720 left), disputes 4. */
const PARAMS = { retrieval: { minChannelLedgers: 10, maxChannelLedgers: 740, settleLedgers: 4 } }
const PRICE = { S1: 3n, S2: 5n }

type Ledger = ReturnType<typeof testLedger>

/** Closes a ledger every few milliseconds until stopped (the services wait on closes). */
const ticking = (ledger: Ledger) => {
  let on = true
  const run = (async () => {
    while (on) {
      await ledger.closeLedger()
      await new Promise((r) => setTimeout(r, 5))
    }
  })()
  return async () => {
    on = false
    await run
  }
}

const until = async (what: string, cond: () => boolean | Promise<boolean>, ms = 10_000) => {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

const paidNode = async (
  ledger: Ledger,
  peers: MemoryNet,
  subs: Map<string, Sub>,
  peer: string,
  label: number,
) => {
  const { key, vault } = await testVault(label)
  await ledger.fund(key.publicKey)
  const n = await minerNode(peers, subs, peer, label + 100, {
    ledger,
    now: () => ledger.current().header.closeTimeMs,
    pay: (db) => ({ key: vault, meta: db, redeemDelayMs: 20 }),
  })
  return { ...n, address: addressOf(key.publicKey) }
}

test('a client pays two priced servers per verified byte from one channel; redeemed plus reclaimed equals funded', async () => {
  const ledger = testLedger({ protocol: networkProtocol(), params: PARAMS })
  const peers = new Map() as MemoryNet
  const subs = new Map<string, Sub>()
  const s1 = await paidNode(ledger, peers, subs, 'S1', 1)
  const s2 = await paidNode(ledger, peers, subs, 'S2', 2)
  const c = await paidNode(ledger, peers, subs, 'C', 3)
  await ledger.closeLedger()
  const balance = (a: Address) => getAccount(ledger.current().state, a)!.balance
  const seqOf = (a: Address) => getAccount(ledger.current().state, a)!.seq
  const start = {
    c: balance(c.address),
    s1: balance(s1.address),
    s2: balance(s2.address),
    supply: totalSupply(ledger.current().state),
  }
  const seq0 = { c: seqOf(c.address), s1: seqOf(s1.address), s2: seqOf(s2.address) }
  const fee = ledger.genesis().minFeePerOp
  const stop = ticking(ledger)
  try {
    const rng = createRng(seed)
    const files = [
      await referenceFile(rng.bytes(3_000_000), 64 << 10, 4),
      await referenceFile(rng.bytes(300_000), 64 << 10, 4),
    ]
    for (const [s, price] of [
      [s1, PRICE.S1],
      [s2, PRICE.S2],
    ] as const) {
      await s.call('retrieval.serve.set', {
        enabled: true,
        budgetBytes: 1 << 22,
        pricePerByte: price.toString(),
      })
      for (const f of files) {
        for (const b of f.blocks) await s.db.putBlock(b.cid, b.bytes, 'stored')
        const a = await signAnnouncement(s.signer, {
          cid: f.root,
          peer: s === s1 ? 'S1' : 'S2',
          expires: ledger.current().header.closeTimeMs + 3_600_000,
        })
        assert.equal(await c.service.offerAnnouncement(a), 'added')
      }
    }
    const verified = { S1: 0n, S2: 0n }
    for (const f of files) {
      const got = await c.call('retrieval.fetch', {
        cid: f.root,
        maxPay: (BigInt(f.bytes.length) * 10n).toString(),
      })
      assert.equal(got.size, f.bytes.length)
      for (const s of got.servers) verified[s.peer as 'S1' | 'S2'] += BigInt(s.verifiedBytes)
    }
    assert.ok(verified.S1 > 0n && verified.S2 > 0n, `both servers were used: ${verified.S1} ${verified.S2}`)
    const due = { S1: verified.S1 * PRICE.S1, S2: verified.S2 * PRICE.S2 }
    const channels = R.channelsByClient(ledger.current().state, c.address)
    assert.equal(channels.length, 1, 'one channel for both fetches and both servers')
    const id = channels[0]!.id
    await until(
      'both redeems',
      () =>
        R.redeemed(ledger.current().state, id, s1.address) === due.S1 &&
        R.redeemed(ledger.current().state, id, s2.address) === due.S2,
    )
    await until(
      'the earnings',
      async () =>
        (await s1.call('retrieval.serve.get')).earned === due.S1.toString() &&
        (await s2.call('retrieval.serve.get')).earned === due.S2.toString(),
    )
    const funded = R.channel(ledger.current().state, id)!.funded
    const largest = BigInt(Math.max(...files.map((f) => f.bytes.length)))
    assert.ok(funded >= largest * PRICE.S2, 'the channel covers a whole file at the highest price')
    await stop()
    const end = R.channel(ledger.current().state, id)!.end
    while (ledger.current().header.seq <= end) await ledger.closeLedger()
    assert.equal(R.channel(ledger.current().state, id), undefined, 'settled')
    const txs = {
      c: seqOf(c.address) - seq0.c,
      s1: seqOf(s1.address) - seq0.s1,
      s2: seqOf(s2.address) - seq0.s2,
    }
    assert.equal(txs.c, 1n, 'the client made one channel operation in all')
    assert.equal(
      balance(c.address),
      start.c - BigInt(txs.c) * fee - due.S1 - due.S2,
      'client: funded - reclaimed = redeemed',
    )
    assert.equal(balance(s1.address), start.s1 - BigInt(txs.s1) * fee + due.S1)
    assert.equal(balance(s2.address), start.s2 - BigInt(txs.s2) * fee + due.S2)
    assert.equal(R.held(ledger.current().state), 0n)
    const fees = BigInt(txs.c + txs.s1 + txs.s2) * fee
    assert.equal(
      totalSupply(ledger.current().state),
      start.supply,
      `supply conserved (fees ${fees} stay in the fee pool)`,
    )
  } finally {
    await stop()
    for (const n of [s1, s2, c]) n.service.stop()
  }
})

test('a priced server refuses a peer that takes more than one interval without paying', async () => {
  const ledger = testLedger({ protocol: networkProtocol(), params: PARAMS })
  const peers = new Map() as MemoryNet
  const s = await paidNode(ledger, peers, new Map(), 'S', 4)
  await ledger.closeLedger()
  const f = await referenceFile(createRng(seed + 1).bytes(3 * PAYMENT_INTERVAL), 256 << 10, 8)
  for (const b of f.blocks) await s.db.putBlock(b.cid, b.bytes, 'stored')
  await s.call('retrieval.serve.set', { enabled: true, budgetBytes: 1 << 24, pricePerByte: '2' })
  const handler = peers.get(`S ${RETRIEVE_PROTOCOL}`)!
  const ask = (from: number) =>
    handler({
      peerId: 'freeloader',
      transport: 'memory',
      data: encodeRetrieveRequest({ cid: f.root, from }),
    }).then(decodeRetrieveAnswer)
  let from = 0
  let served = 0
  for (let i = 0; i < 16; i++) {
    const a = await ask(from)
    if (a?.t !== 'blocks') {
      assert.deepEqual(a, { t: 'refused', code: 'payment_required' })
      break
    }
    served += a.blocks.reduce((n, b) => n + b.length, 0)
    from = a.next
  }
  assert.ok(
    served > PAYMENT_INTERVAL && served <= 2 * PAYMENT_INTERVAL + (1 << 20),
    `served ${served} unpaid bytes before refusing`,
  )
  s.service.stop()
})
