// The storage service end to end in Node: real proof workers' logic (prover.ts over in-memory
// files standing in for OPFS) behind fake compute ports, the Map-backed database. A stored file
// gets the CID `ipfs add` gives, fills sectors that seal with verified seal proofs, windows pass
// and verify, a removed replica makes the next window fail and the sector faulty, the file comes
// back by CID (also from the sealed sector when its unsealed blocks are gone), an offer too small
// is refused with `over_budget`, a worker lost mid-seal and a core restarted mid-seal both end
// with the sector sealed and valid.
// Run: npx node --test worker/storage/storage-service.test.ts
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadSha256 } from '../../shared/storage/hash.ts'
import { sealParams } from '../../shared/storage/params.ts'
import { importFile } from '../../shared/storage/unixfs-import.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { NodeIdentity } from '../core/identity.ts'
import { memoryFiles } from '../proof/files.ts'
import { FILES, type ProofRequest } from '../proof/protocol.ts'
import { createProver } from '../proof/prover.ts'
import { fakeRpc } from '../wallet/test-kit.ts'
import { STORAGE_GUARDS, type StorageEvents, type StorageMethods } from './storage-api.ts'
import type { ComputePort } from './compute-pool.ts'
import { memoryStorageDb, type StorageDb } from './storage-db.ts'
import { createStorageService, type StorageService } from './storage-service.ts'

const seed = Number(process.env['SEED'] ?? process.hrtime.bigint() % 1_000_000_000n)
console.log(`storage service tests seed=${seed} (replay with SEED=${seed})`)
const rng = createRng(seed)
const hash = await loadSha256()
const params = sealParams({ sectorSize: 2 << 20, layers: 2 })
const MiB = 1 << 20
/** The node key: the same across a restart, as the IndexedDB identity is. */
const provider = rng.bytes(32)

/** The Web Locks the fake workers' tabs hold, by name. */
const locks = new Map<string, Promise<void>>()

/** A proof worker in-process; `kill()` makes it stop mid-job, like a closed tab. */
const fakeWorker = (files: ReturnType<typeof memoryFiles>, onProgress?: (layer: number) => void) => {
  let killed = false
  let release = () => {}
  const lock = new Promise<void>((r) => {
    release = r
  })
  const name = `w${locks.size}`
  locks.set(name, lock)
  const core: Array<(e: MessageEvent) => void> = []
  const prover = createProver({
    files,
    hash,
    emit: (e) => {
      if (killed) return
      if (e.type === 'progress') onProgress?.(e.layer)
      for (const l of core) l({ data: e } as MessageEvent)
    },
    yieldNow: () => (killed ? new Promise<void>(() => {}) : new Promise((r) => setImmediate(r))),
    stepNodes: 1 << 13,
  })
  const port: ComputePort = {
    postMessage: (m) => void prover.handle(structuredClone(m) as ProofRequest),
    addEventListener: (_t, l) => void core.push(l),
    start: () =>
      queueMicrotask(() => {
        for (const l of core) l({ data: { type: 'compute-hello', lock: name } } as MessageEvent)
      }),
  }
  return {
    port,
    lock,
    kill: () => {
      killed = true
      release()
    },
  }
}

const start = async (db: StorageDb, workers: ReturnType<typeof fakeWorker>[]): Promise<StorageService> => {
  const components = {
    rpc: fakeRpc<StorageMethods, StorageEvents>(STORAGE_GUARDS).rpc,
    services: {},
    now: () => Date.now(),
    identity: { signer: { publicKey: provider } } as unknown as NodeIdentity,
  }
  const svc = createStorageService(components, {
    db: async () => db,
    hash: async () => hash,
    watchLock: (n) => locks.get(n)!,
    random: (n) => rng.bytes(n),
    params,
  })
  await svc.start()
  for (const w of workers) svc.attachCompute(w.port)
  return svc
}

const fileOf = (bytes: Uint8Array) => new Blob([bytes as BlobPart])
const local = (n: number) => ({ bytes: rng.bytes(32), source: 'local-timer' as const, seq: n })

test('store, seal, prove, fail on a lost replica, retrieve', async () => {
  const files = memoryFiles()
  const db = memoryStorageDb()
  const svc = await start(db, [fakeWorker(files), fakeWorker(files)])
  try {
    await svc.setOffer(1 << 30)
    const bytes = rng.bytes(Math.floor(2.5 * MiB) + 123)
    const stored = await svc.store(Object.assign(fileOf(bytes), { name: 'a.bin' }))
    assert.equal(stored.cid, (await importFile([bytes], () => {}, { hash })).cid.toString())
    assert.deepEqual(stored.sectors, [0, 1])
    await svc.settled()
    let v = await svc.view()
    assert.deepEqual(
      v.sectors.map((s) => [s.state, s.sealProof, s.fraction]),
      [
        ['sealed', 'ok', 1],
        ['sealed', 'ok', 1],
      ],
    )
    assert.ok(v.sectors.every((s) => /^[0-9a-f]{64}$/.test(s.commR ?? '')))
    assert.equal(v.files[0]?.cid, stored.cid)

    const w1 = await svc.window(local(1))
    assert.equal(w1?.ok, true)
    assert.deepEqual(w1?.proven, [0, 1])
    v = await svc.view()
    assert.deepEqual(
      v.sectors.map((s) => s.state),
      ['proving', 'proving'],
    )

    files.store.delete(`s1/${FILES.replica}`)
    const w2 = await svc.window(local(2))
    assert.equal(w2?.ok, false)
    assert.deepEqual(w2?.faulty, [{ sector: 1, code: 'missing_sector' }])
    assert.equal(w2?.verified, true, 'the proof of the sectors still held verifies')
    v = await svc.view()
    assert.deepEqual(
      v.sectors.map((s) => s.state),
      ['proving', 'faulty'],
    )

    const back = await svc.retrieve(stored.cid)
    assert.deepEqual(new Uint8Array(await back.blob.arrayBuffer()), bytes)
    await assert.rejects(
      svc.retrieve('not-a-cid'),
      (e: { data?: { code: string } }) => e.data?.code === 'bad_cid',
    )
  } finally {
    svc.stop()
  }
})

test('a file whose unsealed blocks are gone is unsealed from its sector', async () => {
  const files = memoryFiles()
  const db = memoryStorageDb()
  const svc = await start(db, [fakeWorker(files)])
  try {
    await svc.setOffer(1 << 30)
    const bytes = rng.bytes(300_000)
    const stored = await svc.store(fileOf(bytes))
    await svc.settled()
    const imp = (await db.imports())[0]!
    assert.equal(await db.deleteBlocksOf(imp.id), bytes.length)
    const back = await svc.retrieve(stored.cid)
    assert.deepEqual(new Uint8Array(await back.blob.arrayBuffer()), bytes)
  } finally {
    svc.stop()
  }
})

test('an offer too small is refused before anything is written', async () => {
  const files = memoryFiles()
  const db = memoryStorageDb()
  const svc = await start(db, [fakeWorker(files)])
  try {
    await svc.setOffer(8 * MiB)
    await assert.rejects(
      svc.store(fileOf(rng.bytes(MiB))),
      (e: { data?: { code: string } }) => e.data?.code === 'over_budget',
    )
    assert.equal(files.store.size, 0)
    assert.equal(await db.blockBytes(), 0)
    assert.equal((await svc.view()).sectors.length, 0)
  } finally {
    svc.stop()
  }
})

test('a worker lost mid-seal: the job runs again on the next worker and resumes', async () => {
  const files = memoryFiles()
  let killAt: (() => void) | undefined
  const first = fakeWorker(files, (layer) => layer >= 2 && killAt?.())
  killAt = first.kill
  const svc = await start(memoryStorageDb(), [first])
  try {
    await svc.setOffer(1 << 30)
    await svc.store(fileOf(rng.bytes(MiB + 5)))
    await first.lock
    await new Promise((r) => setTimeout(r, 20))
    svc.attachCompute(fakeWorker(files).port)
    await svc.settled()
    const s = (await svc.view()).sectors[0]!
    assert.equal(s.state, 'sealed')
    assert.equal(s.sealProof, 'ok')
    assert.equal(s.resumedFromLayer, 1)
    assert.ok((await svc.view()).compute.lost >= 1)
  } finally {
    svc.stop()
  }
})

test('a core restarted mid-seal resumes the sector; an interrupted import is dropped', async () => {
  const files = memoryFiles()
  const db = memoryStorageDb()
  let kill: (() => void) | undefined
  const first = fakeWorker(files, (layer) => layer >= 2 && kill?.())
  kill = first.kill
  const a = await start(db, [first])
  await a.setOffer(1 << 30)
  const stored = await a.store(fileOf(rng.bytes(MiB + 77)))
  await first.lock
  a.stop()
  await db.putImport({ id: 'torn', state: 'importing', name: 'x', size: 1, sectors: [9], atMs: 0 })
  await db.putSector({
    sector: 9,
    importId: 'torn',
    state: 'packing',
    sectorSize: params.sectorSize,
    pieces: [],
    layer: 0,
    fraction: 0,
  })
  await db.putBlock('torn-block', new Uint8Array(10), 'torn')

  const b = await start(db, [fakeWorker(files)])
  try {
    await b.settled()
    const v = await b.view()
    assert.deepEqual(
      v.sectors.map((s) => [s.sector, s.state, s.sealProof, s.resumedFromLayer]),
      [[0, 'sealed', 'ok', 1]],
    )
    assert.equal(await db.getBlock('torn-block'), undefined)
    assert.deepEqual(
      v.files.map((f) => f.cid),
      [stored.cid],
    )
    assert.equal((await b.window(local(1)))?.ok, true)
  } finally {
    b.stop()
  }
})
