// The retrieval checker service end to end (docs/retrieval-checks.md, "The checker service"): a
// client stores a 1.5 MiB file with two providers through the real deal flow (market services on
// a test ledger with the retrieval-checks module, sealed, proven); each provider serves it from
// its sector over `/watt/retrieve/1` on the in-memory network, the second one corrupting every
// block it sends. Three checker nodes join through their RPC; once a round draws both replicas,
// each checker reports the honest provider's sample 'ok' with the leaf holding byte
// `point mod size`, computed here from the reference importer's blocks (1 MiB raw leaves), and
// the liar's 'failed'; the next round's tally shows on retrievalSuccessRate. A checker reloaded
// (a fresh service on the same wallet) asks nobody and sends nothing for what the ledger holds.
// In a later round the honest provider is gone: its sample is reported 'failed'. One check alone
// over a deeper tree (1 KiB leaves, 4 links a node): the leaf under each point, and a provider
// that stalls or never answers is 'failed' within the bounds.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { SMALL_MARKET } from '../../shared/market/test/small-market.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { retrievalChecksModule } from '../../shared/retrieval-checks/module.ts'
import type { SampleView } from '../../shared/retrieval-checks/readers.ts'
import { noble256 } from '../../shared/storage/hash.ts'
import { createRng } from '../../shared/util/prng.ts'
import {
  clientAndProvider,
  closeUntil,
  marketDevice,
  type MemoryNet,
  memoryNet,
  settle,
  type TestLedger,
  testVault,
} from '../market/test-devices.ts'
import { testLedger } from '../node/test-ledger.ts'
import { codeOf, fakeRpc } from '../wallet/test-kit.ts'
import { createBlockSource } from './block-source.ts'
import { createCheckerService } from './checker-service.ts'
import { RETRIEVAL_GUARDS, type RetrievalEvents, type RetrievalMethods } from './retrieval-api.ts'
import { createRetrievalServer } from './retrieve-server.ts'
import { RETRIEVE_PROTOCOL } from './retrieve-wire.ts'
import { checkSample } from './check-sample.ts'
import { holderDevice, lie, referenceFile, stallAfter } from './test-holders.ts'
import type { WalletTxs } from '../wallet/wallet-txs.ts'
import type { AccountKey } from '../wallet/vault.ts'
import { memoryStorageDb } from '../storage/storage-db.ts'
import type { RetrievalTxKind } from './payments-client.ts'
import { createServerPayments } from './payments-server.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`checker-service test seed=${seed} (replay with SEED=${seed})`)

const MIB = 1 << 20
const SIZE = MIB + (MIB >> 1)
const ROUND = 6
const R = retrievalChecksModule.readers

type Provider = Awaited<ReturnType<typeof marketDevice>>

/** The provider's retrieve server over its sector, counting the requests it gets. */
const serve = (peers: MemoryNet, p: Provider) => {
  const source = createBlockSource({ storage: p.disk.storage, replicas: () => p.market.replicas.all() })
  const server = createRetrievalServer({ getBlock: source.getBlock })
  const asked = { n: 0 }
  peers.set(`${p.peer} ${RETRIEVE_PROTOCOL}`, (req) => {
    asked.n++
    return server.onRequest(req)
  })
  return asked
}

/** A checker node: a funded wallet and the checker service over it, called through its guarded RPC. */
const checkerNode = async (ledger: TestLedger, peers: MemoryNet, label: number) => {
  const { key, vault } = await testVault(label)
  const net = memoryNet(peers, `12D3KooWChecker${label}`)
  const now = () => ledger.current().header.closeTimeMs
  /** A service on this wallet (again: a reload); its RPC's `call`. */
  const start = async () => {
    const { rpc, call } = fakeRpc<RetrievalMethods, RetrievalEvents>(RETRIEVAL_GUARDS)
    const check = { net, hash: () => noble256, now, stallMs: 300, retryWaitMs: 20, timeoutMs: 3000 }
    const service = createCheckerService({ rpc, services: { ledger }, now }, { key: vault, check })
    await service.start()
    return { call, service }
  }
  await ledger.fund(key.publicKey)
  return { address: addressOf(key.publicKey), start, ...(await start()) }
}

const setup = async () => {
  const ledger = testLedger({
    networkId: 'checker-service',
    genesisTimeMs: 1_800_000_000_000,
    dayLengthMs: 16_000,
    protocol: networkProtocol(),
    params: {
      market: { ...SMALL_MARKET, maxSectorSize: 2 * MIB, ticketMaxAge: 64 },
      'retrieval-checks': {
        roundLedgers: ROUND,
        samplesPerRound: 4,
        checkersPerSample: 3,
        quorum: 2,
        checkerBond: '1000',
      },
    },
  })
  const peers = new Map() as MemoryNet
  const ask = { price: '100', collateral: '1000', capacity: 4 * MIB }
  const { client, provider } = await clientAndProvider(ledger, peers, ask)
  const liar = await marketDevice(ledger, 72, peers)
  const checkers = [
    await checkerNode(ledger, peers, 80),
    await checkerNode(ledger, peers, 81),
    await checkerNode(ledger, peers, 82),
  ]
  await ledger.closeLedger()
  await liar.call('market.postAsk', ask)
  await ledger.closeLedger()
  await settle()
  return { ledger, peers, client, provider, liar, checkers }
}

const flip = (b: Uint8Array) => {
  const c = b.slice()
  c[c.length - 1]! ^= 1
  return c
}

test('checkers report an honest provider ok with the sampled leaf, a liar and a gone provider failed; the tally shows', async () => {
  const { ledger, peers, client, provider, liar, checkers } = await setup()
  const state = () => ledger.current().state
  for (const c of checkers) assert.ok((await c.call('retrieval.checks.join')).id)
  await ledger.closeLedger()
  await settle()
  assert.deepEqual(R.checkers(state()).sort(), checkers.map((c) => c.address).sort())
  const view = await checkers[0]!.call('retrieval.checks.get')
  assert.deepEqual(
    [view.joined, view.bond, view.txs.map((t) => [t.kind, t.state])],
    [true, '1000', [['joinChecks', 'applied']]],
  )
  assert.equal(await codeOf(checkers[0]!.call('retrieval.checks.join')), 'already_checker')

  const bytes = createRng(seed).bytes(SIZE)
  const ref = await referenceFile(bytes, MIB, 1024)
  const stored = await client.call('market.store', {
    file: new File([bytes as BlobPart], 'f.bin'),
    replicas: 2,
    days: 4,
  })
  assert.equal(stored.cid, ref.root, 'the reference importer makes the same root')
  const asked = serve(peers, provider)
  serve(peers, liar)
  lie(peers, liar.peer, (a) => (a.t === 'blocks' ? { ...a, blocks: a.blocks.map(flip) } : a))

  /** The live round once both replicas are drawn and every checker has reported both. */
  const reported = () => {
    const s = R.samples(state())
    return s.length === 2 && s.every((x) => x.checkers.length === 3 && Object.keys(x.reports).length === 3)
  }
  await closeUntil(ledger, async () => reported(), 100)
  const round = R.liveRound(state())!.round
  const of = (p: { address: string }) => R.samples(state()).find((s) => s.provider === p.address)!
  const all = (v: string) => Object.fromEntries(checkers.map((c) => [c.address, v]))
  const leafOf = (s: SampleView) => ref.blocks[1 + Math.floor((s.point % SIZE) / MIB)]!.cid
  assert.deepEqual(of(provider).reports, all(leafOf(of(provider))), 'the leaf under point mod size')
  assert.deepEqual(of(liar).reports, all('failed'))
  const codes = async () =>
    (await checkers[1]!.call('retrieval.checks.get')).checks.map((c) => [c.provider, c.state, c.code])
  assert.deepEqual(
    (await codes()).sort(),
    [
      [provider.address, 'ok', undefined],
      [liar.address, 'failed', 'bad_block'],
    ].sort(),
  )

  // a reload: the ledger holds its reports, so the fresh service asks nobody and signs nothing
  assert.notEqual((ledger.current().header.seq + 1) % ROUND, 0, 'the next ledger is in the same round')
  checkers[0]!.service.stop()
  const again = await checkers[0]!.start()
  const n = asked.n
  await ledger.closeLedger()
  for (let k = 0; k < 5; k++) await settle()
  const reloaded = await again.call('retrieval.checks.get')
  assert.deepEqual(reloaded.txs, [])
  assert.deepEqual(
    reloaded.checks.map((c) => c.reported),
    [true, true],
  )
  assert.equal(asked.n, n, 'the provider was asked nothing more')

  // the next round's first ledger tallies; meanwhile the honest provider goes away
  peers.delete(`${provider.peer} ${RETRIEVE_PROTOCOL}`)
  await closeUntil(ledger, async () => R.liveRound(state())!.round > round, 2 * ROUND)
  const rate = (p: { address: string }) => R.retrievalSuccessRate(state(), p.address)
  assert.deepEqual(rate(provider), { tried: 1, succeeded: 1 })
  assert.deepEqual(rate(liar), { tried: 1, succeeded: 0 })
  await closeUntil(ledger, async () => reported(), ROUND)
  assert.deepEqual(of(provider).reports, all('failed'), 'a provider that is gone')
  assert.deepEqual(
    (await codes()).filter((c) => c[0] === provider.address),
    [[provider.address, 'failed', 'no_connection']],
  )
  await closeUntil(ledger, async () => R.liveRound(state())!.round > round + 1, 2 * ROUND)
  assert.deepEqual(rate(provider), { tried: 2, succeeded: 1 })
  for (const c of checkers) c.service.stop()
  again.service.stop()
})

test('one check: the leaf under the point in a deep tree; a stalled or silent provider fails in time', async () => {
  const peers = new Map() as MemoryNet
  const bytes = createRng(seed + 1).bytes(50_000)
  const f = await referenceFile(bytes, 1024, 4)
  const leaves = f.blocks.filter((b) => b.cid.startsWith('bafkrei'))
  for (const peer of ['P', 'S', 'Q']) await holderDevice(peers, peer).hold(f)
  const d = {
    net: memoryNet(peers, 'C'),
    hash: () => noble256,
    now: () => Date.now(),
    stallMs: 100,
    retryWaitMs: 10,
  }
  for (const point of [0, 1023, 1024, 49_999, 50_000 + 2048, 2 ** 47 + 5, createRng(seed).int(2 ** 40)]) {
    const want = leaves[Math.floor((point % 50_000) / 1024)]!.cid
    assert.deepEqual(
      await checkSample(d, { peer: 'P', cid: f.root, point }),
      { outcome: 'ok', leaf: want },
      `${point}`,
    )
  }
  // a provider that prices retrieval is checked for nothing: the check fits in its unpaid interval
  const priced = createServerPayments({
    ledger: () => undefined,
    key: { load: async () => ({ publicKey: new Uint8Array(32) }) } as unknown as AccountKey,
    txs: {} as WalletTxs<RetrievalTxKind>,
    meta: memoryStorageDb(),
    priceOf: () => 9n,
    onEarned: () => {},
  })
  await holderDevice(peers, 'V', { server: { payments: priced.server } }).hold(f)
  assert.deepEqual(await checkSample(d, { peer: 'V', cid: f.root, point: 7000 }), {
    outcome: 'ok',
    leaf: leaves[Math.floor(7000 / 1024)]!.cid,
  })
  stallAfter(peers, 'S', 1)
  assert.deepEqual(await checkSample(d, { peer: 'S', cid: f.root, point: 5000 }), {
    outcome: 'failed',
    code: 'stalled',
  })
  stallAfter(peers, 'Q', 0)
  const t0 = Date.now()
  const silent = await checkSample(
    { ...d, stallMs: 1000, timeoutMs: 200 },
    { peer: 'Q', cid: f.root, point: 1 },
  )
  assert.deepEqual(silent, { outcome: 'failed', code: 'timeout' })
  assert.ok(Date.now() - t0 < 2000)
})
