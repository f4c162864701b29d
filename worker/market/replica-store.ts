// The provider's local records of the replicas it takes (one per deal and replica index): which
// sector holds the data, how far the transfer and the seal got, the seal proof made for the
// seed (its dag-pb nodes are in the block store, owner `replicaOwner`). Kept in the storage
// database's settings, one key per replica plus the list of keys, and mirrored in memory.
// Bounded: ended replicas are forgotten first when the list is full.
import type { PieceReceiverState } from '../../shared/market/piece-receiver.ts'
import type { DealStorage } from '../storage/storage-service.ts'

export type ReplicaPhase = 'receiving' | 'received' | 'sealing' | 'sealed' | 'failed' | 'ended'

export interface ProviderReplica {
  readonly deal: number
  readonly replica: number
  readonly cid: string
  readonly size: number
  /** This device's sector holding the data (allocated when the transfer starts). */
  readonly sector: number
  readonly phase: ReplicaPhase
  /** Bytes received so far, and the transfer's state to resume from. */
  readonly received: number
  readonly receiver?: PieceReceiverState | undefined
  readonly ticketSeq?: number
  readonly commR?: string
  readonly layer?: number
  readonly fraction?: number
  /** The seal proof and the seed ledger it answers. */
  readonly proof?: Uint8Array
  readonly proofSeed?: number
  /** Window proofs submitted. */
  readonly windows: number
  readonly error?: string
}

/** Replicas remembered at most. */
export const MAX_REPLICAS = 256
const LIST_KEY = 'market/replicas'

export const replicaKey = (r: { deal: number; replica: number }): string => `${r.deal}/${r.replica}`
const metaKey = (key: string) => `market/replica/${key}`
/** The block-store owner of a replica's dag-pb nodes (deleted with them when the replica ends). */
export const replicaOwner = (r: { deal: number; replica: number }): string => `deal:${replicaKey(r)}`

export const createReplicaStore = async (storage: DealStorage) => {
  const byKey = new Map<string, ProviderReplica>()
  for (const key of (await storage.getMeta<string[]>(LIST_KEY)) ?? []) {
    const r = await storage.getMeta<ProviderReplica>(metaKey(key))
    if (r) byKey.set(key, r)
  }
  const saveList = () => storage.putMeta(LIST_KEY, [...byKey.keys()])

  const makeRoom = async () => {
    if (byKey.size < MAX_REPLICAS) return
    const ended = [...byKey.values()].find((r) => r.phase === 'ended' || r.phase === 'failed')
    if (!ended) throw { code: 'provider_full', max: MAX_REPLICAS }
    byKey.delete(replicaKey(ended))
    await storage.putMeta(metaKey(replicaKey(ended)), undefined)
  }

  const store = {
    all: (): ProviderReplica[] => [...byKey.values()],
    get: (deal: number, replica: number) => byKey.get(replicaKey({ deal, replica })),
    async put(r: ProviderReplica, persist = true): Promise<void> {
      const key = replicaKey(r)
      const isNew = !byKey.has(key)
      if (isNew) await makeRoom()
      byKey.set(key, r)
      if (persist) await storage.putMeta(metaKey(key), r)
      if (isNew) await saveList()
    },
    /** Applies `f` to the current record (progress and results may interleave). */
    async patch(
      r: { deal: number; replica: number },
      f: (x: ProviderReplica) => ProviderReplica,
      persist = true,
    ) {
      const cur = byKey.get(replicaKey(r))
      if (cur) await store.put(f(cur), persist)
    },
  }
  return store
}

export type ReplicaStore = Awaited<ReturnType<typeof createReplicaStore>>
