// A storage provider serves a deal's CID from its sector (issue 15, item 2). A client stores a
// file with one provider through the real deal flow (market services on a test ledger, the data
// over `/watt/deal/1`, sealed, pre-committed, proven); the provider's block store then holds the
// deal's dag-pb nodes only, and its sector only the sealed replica (the test double, like the proof
// worker, drops the unsealed data once sealed). Nodes that never had the file fetch it from the
// provider alone (the client serves nothing here): whole and by byte range, byte-identical to the
// original bytes (their SHA-256, by node:crypto); after a provider reload (a fresh block source
// over the replica records read back from the storage) it still serves; once the deal has expired
// the provider answers `not_found` and its nodes are gone.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { CID } from 'multiformats/cid'
import { SMALL_MARKET } from '../../shared/market/test/small-market.ts'
import { networkProtocol } from '../../shared/node/protocol.ts'
import { exportBytes } from '../../shared/storage/unixfs-export.ts'
import { createRng } from '../../shared/util/prng.ts'
import {
  clientAndProvider,
  closeUntil,
  type marketDevice,
  type MemoryNet,
  settle,
} from '../market/test-devices.ts'
import { createReplicaStore, type ProviderReplica } from '../market/replica-store.ts'
import { testLedger } from '../node/test-ledger.ts'
import { createBlockSource } from './block-source.ts'
import { createRetrievalServer } from './retrieve-server.ts'
import { RETRIEVE_PROTOCOL } from './retrieve-wire.ts'
import { holderDevice } from './test-holders.ts'

const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000)
console.log(`sector-serve test seed=${seed} (replay with SEED=${seed})`)

const MIB = 1 << 20
/** 1.5 MiB: the importer's 1 MiB chunks make two raw leaves (1 MiB, 0.5 MiB) under one node. */
const SIZE = MIB + (MIB >> 1)
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

type Provider = Awaited<ReturnType<typeof marketDevice>>

/** Registers the provider's retrieve server over a block source following `replicas`. */
const serveFrom = (peers: MemoryNet, p: Provider, replicas: () => readonly ProviderReplica[]) => {
  const source = createBlockSource({ storage: p.disk.storage, replicas })
  const server = createRetrievalServer({ getBlock: source.getBlock })
  peers.set(`${p.peer} ${RETRIEVE_PROTOCOL}`, server.onRequest)
  return source
}

/** A node that never held the file fetches it (or a range) from the provider alone. */
let fetchers = 0
const fetchFrom = async (
  peers: MemoryNet,
  p: Provider,
  root: string,
  range?: { offset: number; length: number },
) => {
  const c = holderDevice(peers, `C${fetchers++}`)
  const res = await c.fetch({ cid: root, servers: [p.peer], ...(range ? { range } : {}) })
  const span = range && ([range.offset, range.offset + range.length] as const)
  const read = () => exportBytes(CID.parse(root), (x) => c.db.getBlock(x.toString()), span ? { span } : {})
  return { res, read }
}

const setup = async () => {
  const ledger = testLedger({
    networkId: 'sector-serve',
    genesisTimeMs: 1_800_000_000_000,
    dayLengthMs: 16_000, // 4 proving periods of 4 one-second ledgers
    protocol: networkProtocol(),
    params: { market: { ...SMALL_MARKET, maxSectorSize: 2 * MIB, ticketMaxAge: 64 } },
  })
  const peers = new Map() as MemoryNet
  const ask = { price: '1000', collateral: '1000', capacity: 4 * MIB }
  const { client, provider } = await clientAndProvider(ledger, peers, ask)
  await settle()
  return { ledger, peers, client, provider }
}

test('a provider serves a deal from its sealed sector: whole, by range, after a reload; not once it ended', async () => {
  const { ledger, peers, client, provider } = await setup()
  const bytes = createRng(seed).bytes(SIZE)
  const file = new File([bytes as BlobPart], 'sector.bin')
  const stored = await client.call('market.store', { file, replicas: 1, days: 1 })
  const state = async () => (await client.call('market.view')).deals[0]?.state
  await closeUntil(ledger, async () => (await state()) === 'active', 60)
  const rec = provider.market.replicas.all()[0]!
  assert.deepEqual([rec.cid, rec.phase], [stored.cid, 'sealed'])

  // the provider's block store holds the root node, not the leaves: they come from the sector
  const live = serveFrom(peers, provider, () => provider.market.replicas.all())
  assert.ok(await provider.disk.storage.getBlock(stored.cid), 'the root node is kept')
  const whole = await fetchFrom(peers, provider, stored.cid)
  assert.ok(whole.res.ok, JSON.stringify(!whole.res.ok && whole.res.error))
  assert.equal(whole.res.value.size, SIZE)
  assert.equal(sha(await whole.read()), sha(bytes), 'byte-identical')
  assert.equal(live.size(), 2, 'two leaves indexed')
  assert.deepEqual(provider.disk.unseals, [{ sector: rec.sector, offset: 0, length: SIZE }], 'one unseal')

  // byte ranges: inside the second leaf, and across the two leaves
  for (const [offset, length] of [
    [MIB + 1000 + createRng(seed + 1).int(1000), 3000],
    [MIB - 100 - createRng(seed + 2).int(1000), 5000],
  ] as const) {
    const part = await fetchFrom(peers, provider, stored.cid, { offset, length })
    assert.ok(part.res.ok, JSON.stringify(!part.res.ok && part.res.error))
    assert.equal(part.res.value.bytes, length)
    assert.equal(
      sha(await part.read()),
      sha(bytes.subarray(offset, offset + length)),
      `[${offset}, +${length})`,
    )
  }

  // a reload: the records read back from the storage, the index rebuilt from them on first use
  const reloaded = await createReplicaStore(provider.disk.storage)
  const fresh = serveFrom(peers, provider, () => reloaded.all())
  assert.equal(fresh.size(), 0)
  const again = await fetchFrom(peers, provider, stored.cid)
  assert.ok(again.res.ok, JSON.stringify(!again.res.ok && again.res.error))
  assert.equal(sha(await again.read()), sha(bytes))
  assert.equal(fresh.size(), 2, 'the index was rebuilt')

  // the deal expires: the replica ends, its nodes and sector are dropped, nothing is served
  serveFrom(peers, provider, () => provider.market.replicas.all())
  const phase = () => provider.market.replicas.get(rec.deal, rec.replica)?.phase
  await closeUntil(ledger, async () => phase() === 'ended' && (await state()) === 'expired', 60)
  for (let k = 0; k < 5; k++) await settle()
  assert.equal(await provider.disk.storage.getBlock(stored.cid), undefined, 'the nodes are gone')
  const gone = await fetchFrom(peers, provider, stored.cid)
  assert.ok(!gone.res.ok)
  assert.equal(gone.res.error.code, 'all_failed')
  assert.deepEqual(gone.res.error.servers?.[0]?.fault, { code: 'refused', reason: 'not_found' })
})
