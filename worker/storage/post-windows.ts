// Proof-of-Spacetime windows on this device. A window opens every `windowEveryLedgers` closed
// ledgers with that ledger's hash as randomness; when no ledger has closed for a while (offline,
// no validators) a local timer opens windows with local randomness, labelled `local-timer`. Each
// window asks a proof worker to prove every sealed sector, verifies the answer with
// shared/storage verifyWindow, chains its digest into the next window, and moves sectors to
// `proving` (proven) or `faulty` (the worker could not read them, e.g. the OPFS replica is gone).
import { DEFAULT_POST } from '../../shared/storage/params.ts'
import { chainStart, type SectorPublic, verifyWindow, windowDigest } from '../../shared/storage/post.ts'
import { fromHex, toHex } from '../../shared/util/bytes.ts'
import type { Randomness, StorageContext } from './context.ts'
import type { SectorRecord } from './storage-db.ts'
import type { PostView } from './storage-view.ts'

/** Aimed time between windows; with ledgers closing every `closeMs` a window is every N ledgers. */
export const WINDOW_TARGET_MS = 5_000
/** Without a closed ledger for this long, the local timer opens windows. */
export const LOCAL_FALLBACK_AFTER_MS = 3 * WINDOW_TARGET_MS
/** Windows per proving period: the chain restarts from `chainStart(provider, period)`. */
export const WINDOWS_PER_PERIOD = 48

export const windowEveryLedgers = (closeIntervalMs: number): number =>
  Math.max(1, Math.round(WINDOW_TARGET_MS / Math.max(1, closeIntervalMs)))

interface ChainState {
  readonly window: number
  readonly prevDigest: string
}
const CHAIN_KEY = 'post-chain'
export const LAST_KEY = 'post-last'

const provable = (s: SectorRecord): boolean =>
  (s.state === 'sealed' || s.state === 'proving' || s.state === 'faulty') && s.commR !== undefined

/** Runs one window; null when there is nothing sealed to prove. */
export const runWindow = async (ctx: StorageContext, r: Randomness): Promise<PostView | null> => {
  const sectors = [...ctx.sectors.values()].filter(provable).sort((a, b) => a.sector - b.sector)
  if (sectors.length === 0) return null
  const chain = (await ctx.db.getMeta<ChainState>(CHAIN_KEY)) ?? { window: 0, prevDigest: '' }
  const period = Math.floor(chain.window / WINDOWS_PER_PERIOD)
  const prevDigest =
    chain.window % WINDOWS_PER_PERIOD === 0 || chain.prevDigest === ''
      ? chainStart(ctx.provider, period, ctx.hash)
      : fromHex(chain.prevDigest)
  const input = { randomness: r.bytes, prevDigest }
  const res = await ctx.pool.run({
    type: 'window-post',
    ...input,
    sectors: sectors.map((s) => ({ sector: s.sector, sectorSize: s.sectorSize, commR: fromHex(s.commR!) })),
  })
  if (res.type !== 'window-post') throw { code: 'bad_result', type: res.type }
  const pub: SectorPublic[] = res.proven.map((n) => {
    const s = sectors.find((x) => x.sector === n)!
    return { sectorNumber: n, sectorSize: s.sectorSize, commR: fromHex(s.commR!) }
  })
  const verified = verifyWindow(DEFAULT_POST, input, pub, res.proof, ctx.hash)
  const faulty = res.faulty.map((f) => ({ sector: f.sector, code: f.error.code }))
  if (!verified) for (const n of res.proven) faulty.push({ sector: n, code: 'bad_proof' })
  for (const s of sectors) {
    const fault = faulty.find((f) => f.sector === s.sector)
    if (fault) await ctx.update({ ...s, state: 'faulty', error: fault.code })
    else if (s.state !== 'proving' || s.error !== undefined) {
      const { error: _e, ...rest } = s
      await ctx.update({ ...rest, state: 'proving' })
    }
  }
  const view: PostView = {
    window: chain.window,
    source: r.source,
    ...(r.seq !== undefined ? { ledgerSeq: r.seq } : {}),
    ok: verified && faulty.length === 0,
    proven: verified ? res.proven : [],
    faulty,
    proofBytes: res.proof.length,
    verified,
    atMs: ctx.now(),
  }
  await ctx.db.putMeta(CHAIN_KEY, {
    window: chain.window + 1,
    prevDigest: toHex(windowDigest(input, res.proof, ctx.hash)),
  } satisfies ChainState)
  await ctx.db.putMeta(LAST_KEY, view)
  ctx.changed()
  return view
}
