// Devices for the retrieval tests: each a Map-backed block store with a `/watt/retrieve/1` server
// on an in-memory network (worker/market/test-devices.ts) and a fetcher writing into its store.
// Files are imported by the reference importer (ipfs-unixfs-importer), so what the walk, the
// server and the checks see was not made by our own importer; a server's answers can be rewritten
// on the way (a liar) to make it corrupt, reorder, add or withhold blocks.
import { decode as decodePb } from '@ipld/dag-pb'
import type { CID } from 'multiformats/cid'
import { nobleSigner, nobleVerifier } from '../../shared/crypto/noble.ts'
import { noble256 } from '../../shared/storage/hash.ts'
import { referenceBlocks } from '../../shared/storage/test/reference-import.ts'
import { createRng } from '../../shared/util/prng.ts'
import { memoryNet, type MemoryNet } from '../market/test-devices.ts'
import type { LedgerNodeApi } from '../node/ledger-node-api.ts'
import { memoryStorageDb } from '../storage/storage-db.ts'
import { fakeRpc } from '../wallet/test-kit.ts'
import type { MinerDeps } from './cache-serve.ts'
import { RETRIEVAL_GUARDS, type RetrievalEvents, type RetrievalMethods } from './retrieval-api.ts'
import { createRetrievalService, type RetrievalDeps } from './retrieval-service.ts'
import { createFetcher, type FetcherDeps } from './fetcher.ts'
import { type RetrievalServerDeps, createRetrievalServer } from './retrieve-server.ts'
import {
  decodeRetrieveAnswer,
  encodeRetrieveAnswer,
  RETRIEVE_PROTOCOL,
  type RetrieveAnswer,
} from './retrieve-wire.ts'

export interface RefBlock {
  readonly cid: string
  readonly bytes: Uint8Array
}

/** A file by the reference importer: its root and every block in pre-order (written here). */
export const referenceFile = async (bytes: Uint8Array, chunk: number, links: number) => {
  const { root, get } = await referenceBlocks(bytes, chunk, links)
  const blocks: RefBlock[] = []
  const walk = async (cid: CID) => {
    const b = await get(cid)
    blocks.push({ cid: cid.toString(), bytes: b })
    if (cid.code === 0x70) for (const l of decodePb(b).Links) await walk(l.Hash)
  }
  await walk(root)
  return { root: root.toString(), blocks, bytes }
}
export type RefFile = Awaited<ReturnType<typeof referenceFile>>

export const holderDevice = (
  peers: MemoryNet,
  peer: string,
  o: { server?: Partial<RetrievalServerDeps>; fetcher?: Partial<FetcherDeps> } = {},
) => {
  const db = memoryStorageDb()
  const net = memoryNet(peers, peer)
  const server = createRetrievalServer({ getBlock: db.getBlock, ...o.server })
  net.handle(RETRIEVE_PROTOCOL, server.onRequest)
  const fetch = createFetcher({
    net,
    hash: noble256,
    putBlock: async (cid, bytes) => void (await db.putBlock(cid, bytes, 'fetched')),
    getLocal: db.getBlock,
    now: () => Date.now(),
    stallMs: 200,
    retryWaitMs: 50,
    ...o.fetcher,
  })
  const hold = async (f: RefFile) => {
    for (const b of f.blocks) await db.putBlock(b.cid, b.bytes, 'stored')
  }
  return { peer, db, server, fetch, hold }
}

type Handler = NonNullable<ReturnType<MemoryNet['get']>>

/** Rewrites `peer`'s answers with `edit` (it sees each answer and the request's number). */
export const lie = (
  peers: MemoryNet,
  peer: string,
  edit: (a: RetrieveAnswer, n: number) => RetrieveAnswer,
) => {
  const key = `${peer} ${RETRIEVE_PROTOCOL}`
  const honest: Handler = peers.get(key)!
  let n = 0
  peers.set(key, async (req) => encodeRetrieveAnswer(edit(decodeRetrieveAnswer(await honest(req))!, n++)))
}

/** `peer` answers its first `answered` requests, then never again. */
export const stallAfter = (peers: MemoryNet, peer: string, answered: number) => {
  const key = `${peer} ${RETRIEVE_PROTOCOL}`
  const honest: Handler = peers.get(key)!
  let n = 0
  peers.set(key, (req) => (n++ < answered ? honest(req) : new Promise<Uint8Array>(() => {})))
}

type StorageDb = ReturnType<typeof memoryStorageDb>

/** The whole retrieval service on the in-memory network, called through its guarded RPC; a miner if given. */
export const serviceNode = async (
  peers: MemoryNet,
  peer: string,
  miner?: (db: StorageDb) => MinerDeps,
  o: { ledger?: LedgerNodeApi; now?: () => number; pay?: (db: StorageDb) => RetrievalDeps['pay'] } = {},
) => {
  const db = memoryStorageDb()
  const { rpc, call, events } = fakeRpc<RetrievalMethods, RetrievalEvents>(RETRIEVAL_GUARDS)
  const service = createRetrievalService(
    { rpc, services: o.ledger ? { ledger: o.ledger } : {}, now: o.now ?? (() => Date.now()) },
    {
      storage: { hash: () => noble256, getBlock: db.getBlock, putBlock: db.putBlock },
      net: memoryNet(peers, peer),
      peer,
      verifier: nobleVerifier,
      stallMs: 500,
      ...(miner ? { miner: miner(db) } : {}),
      ...(o.pay ? { pay: o.pay(db) } : {}),
    },
  )
  await service.start()
  return { db, call, events, service }
}

export type Sub = (data: Uint8Array, from: string) => void

/** A serviceNode that is a retrieval miner: its announcements signed by the key of `label`, gossip through `subs`. */
export const minerNode = async (
  peers: MemoryNet,
  subs: Map<string, Sub>,
  peer: string,
  label: number,
  o: Parameters<typeof serviceNode>[3] = {},
) => {
  const signer = nobleSigner(createRng(label).bytes(32))
  const published: Uint8Array[] = []
  const miner = (db: StorageDb): MinerDeps => ({
    store: { ...db, dropBlocks: db.deleteBlocksOf },
    signer,
    gossip: {
      publish: (data) => {
        published.push(data)
        for (const [p, h] of subs) if (p !== peer) h(data, peer)
      },
      subscribe: (h) => void subs.set(peer, h),
    },
    protect: async () => false,
    ownFiles: async () => [],
  })
  const { db, call, service, events } = await serviceNode(peers, peer, miner, o)
  return { db, call, service, events, signer, published }
}
