// Devices for the market's Node tests and benchmark: each a wallet, an in-memory proof worker
// (test-storage.ts) and a market service on one shared test ledger. The deal-data protocol is an
// in-memory stand-in that walks the UnixFS file as the real one does and hands every leaf to the
// provider's receiver hooks at its offset.
import assert from 'node:assert/strict'
import { CID } from 'multiformats/cid'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner } from '../../shared/crypto/noble.ts'
import { exportFile } from '../../shared/storage/unixfs-export.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { testLedger } from '../node/test-ledger.ts'
import { fakeRpc, memoryKv } from '../wallet/test-kit.ts'
import { createVault } from '../wallet/vault.ts'
import type { PushPiece } from './client-deals.ts'
import { MARKET_GUARDS, type MarketEvents, type MarketMethods } from './market-api.ts'
import { createMarketService } from './market-service.ts'
import type { ReceiverHooks } from './provider-deals.ts'
import { memoryDealStorage } from './test-storage.ts'

export type TestLedger = ReturnType<typeof testLedger>

export const settle = () => new Promise((r) => setTimeout(r, 30))

/** Sends a file's bytes leaf by leaf to the receiver registered under `peerId`. */
const memoryPush =
  (peers: ReadonlyMap<string, ReceiverHooks>): PushPiece =>
  async (o) => {
    const hooks = peers.get(o.peerId)
    if (!hooks) return { ok: false, error: { code: 'no_connection' } }
    const e = await hooks.expect(o.deal, o.replica)
    if ('code' in e) return { ok: false, error: e }
    let offset = 0
    for await (const part of exportFile(CID.parse(o.cid), (c) => o.getBlock(c.toString()))) {
      await hooks.write(o.deal, o.replica, offset, part)
      offset += part.length
      o.onProgress(offset, 'memory')
    }
    await hooks.done(o.deal, o.replica)
    return { ok: true, transport: 'memory' }
  }

export const marketDevice = async (ledger: TestLedger, label: number, peers: Map<string, ReceiverHooks>) => {
  const key = nobleSigner(createRng(label).bytes(32))
  const rng = createRng(label + 1)
  const vault = createVault(memoryKv(), crypto.subtle, (n) => rng.bytes(n), { pinIterations: 1000 })
  await vault.save({
    address: addressOf(key.publicKey),
    publicKey: key.publicKey,
    secret: createRng(label).bytes(32),
    confirmPositions: [],
    lock: { pin: '135790' },
  })
  const { rpc, call } = fakeRpc<MarketMethods, MarketEvents>(MARKET_GUARDS)
  const disk = memoryDealStorage()
  const peer = `12D3KooWPeer${label}`
  const market = await createMarketService(
    { rpc, services: { ledger }, now: () => ledger.current().header.closeTimeMs },
    {
      key: vault,
      peer,
      storage: disk.storage,
      transfer: { push: memoryPush(peers), serve: (h) => void peers.set(peer, h) },
    },
  )
  await market.start()
  await ledger.fund(key.publicKey)
  return { call, disk, address: addressOf(key.publicKey) }
}

/** Closes ledgers one by one, letting the services act after each, until `done` or `max`. */
export const closeUntil = async (ledger: TestLedger, done: () => Promise<boolean>, max: number) => {
  for (let i = 0; i < max; i++) {
    if (await done()) return
    await ledger.closeLedger()
    for (let k = 0; k < 5; k++) await settle()
  }
  assert.ok(await done(), `not reached within ${max} ledgers`)
}
