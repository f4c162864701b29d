// The retrieval miner (issue 15, item 4): ties the serve settings (serve-settings.ts), the cache of
// fetched files (cache.ts), the serving policy (cache-policy.ts) and the announcements
// (announce.ts) together for the retrieval service. Fetches record their blocks in the cache and
// evict to the budget when they end; setting a smaller budget evicts at once; while serving is on,
// a tick announces the whole files cached (renewing them before they expire). Stats go to tabs as
// the `serve` event, at most every second. RPC: retrieval.serve.set, retrieval.serve.get.
import type { Signer } from '../../shared/crypto/signer.ts'
import type { Announcement } from '../../shared/retrieval/find-announcements.ts'
import type { RpcRegistry } from '../rpc/server.ts'
import { createAnnouncer, receivedAnnouncement } from './announce.ts'
import { type CacheStore, createCache } from './cache.ts'
import { mayServe } from './cache-policy.ts'
import type { RetrievalEvents, RetrievalMethods, ServeRequest, ServeStats } from './retrieval-api.ts'
import { loadServeSettings, type ServeSettingsStore } from './serve-settings.ts'

export const ANNOUNCE_TICK_MS = 60_000
const STATS_MS = 1_000

export interface Gossip {
  publish(data: Uint8Array): void
  /** `from`: the peer that signed the message. */
  subscribe(handler: (data: Uint8Array, from: string) => void): void
}

export interface MinerDeps {
  readonly store: CacheStore
  /** The account key announcements are signed with. */
  readonly signer: Signer
  readonly gossip: Gossip
  /** Whether `cid` is the user's own file or one of this node's deals: adopted, never evicted. */
  readonly protect: (cid: string) => Promise<boolean>
  /** Whether `cid` is a deal's data this node serves by unsealing its sector (priced separately). */
  readonly unsealed?: (cid: string) => boolean
  /** The user's stored files: always served, and announced too while serving is on. */
  readonly ownFiles: () => Promise<readonly string[]>
}

export const createMiner = (
  c: { rpc: RpcRegistry<RetrievalMethods, RetrievalEvents>; now: () => number; peer: string },
  d: MinerDeps,
  served: { bytesServed(): number; offer(a: Announcement): Promise<unknown> },
) => {
  const cache = createCache(d.store, d.protect)
  const announcer = createAnnouncer({ signer: d.signer, peer: c.peer, publish: d.gossip.publish, now: c.now })
  let settings: ServeSettingsStore
  let timer: ReturnType<typeof setInterval> | undefined
  let statsTimer: ReturnType<typeof setTimeout> | undefined

  const stats = (): ServeStats => {
    const s = settings.get()
    return {
      enabled: s.enabled,
      budgetBytes: s.budgetBytes,
      pricePerByte: s.pricePerByte.toString(),
      unsealPricePerByte: s.unsealPricePerByte.toString(),
      usedBytes: cache.usedBytes(),
      items: cache.entries().length,
      bytesServed: served.bytesServed(),
      earned: settings.earned().toString(),
    }
  }
  const changed = () => {
    statsTimer ??= setTimeout(() => {
      statsTimer = undefined
      c.rpc.broadcast('serve', stats())
    }, STATS_MS)
  }
  /** Announces what is due (nothing while serving is off: earlier announcements run out). */
  const tick = async () =>
    announcer.due(settings.get().enabled ? [...new Set([...(await d.ownFiles()), ...cache.complete()])] : [])

  const set = async (r: ServeRequest): Promise<ServeStats> => {
    await settings.set({
      enabled: r.enabled,
      budgetBytes: r.budgetBytes,
      pricePerByte: BigInt(r.pricePerByte),
      unsealPricePerByte: BigInt(r.unsealPricePerByte ?? '0'),
    })
    await cache.evict(r.budgetBytes)
    await tick()
    changed()
    return stats()
  }

  return {
    async start(): Promise<void> {
      settings = await loadServeSettings(d.store)
      await cache.load()
      await cache.evict(settings.get().budgetBytes)
      c.rpc.register('retrieval.serve.set', set)
      c.rpc.register('retrieval.serve.get', async () => stats())
      d.gossip.subscribe((data, from) => {
        const a = receivedAnnouncement(data, from)
        if (a) void served.offer(a)
      })
      timer = setInterval(() => void tick(), ANNOUNCE_TICK_MS)
    },
    stop(): void {
      clearInterval(timer)
      clearTimeout(statsTimer)
    },
    /** The policy for the server's requests; a cached block asked for counts as a use. */
    serves(cid: string): boolean {
      const ok = mayServe(cid, settings.get().enabled, cache)
      if (ok) cache.touch(cid, c.now())
      return ok
    },
    /** What a fetch of `root` stores, recorded as it arrives. */
    added: (root: string, block: string, bytes: number) => cache.added(root, block, bytes, c.now()),
    /** A fetch of `root` ended: evict to the budget, announce it when serving and whole. */
    async fetched(root: string, complete: boolean): Promise<void> {
      await cache.finished(root, complete, c.now(), settings.get().budgetBytes)
      await tick()
      changed()
    },
    tick,
    /** The price per byte of `cid`: with the unseal price when it is a deal served from a sealed sector. */
    priceOf: (cid: string): bigint => settings.priceOf(d.unsealed?.(cid) ?? false),
    recordEarned: async (amount: bigint): Promise<void> => {
      await settings.recordEarned(amount)
      changed()
    },
    stats,
  }
}

export type Miner = ReturnType<typeof createMiner>
