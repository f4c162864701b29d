// The retrieval-under-churn scenario (issue 15, "Done means"), shared by its test
// (retrieval-churn.test.ts, which asserts the rate) and the benchmark (bench/retrieval-browser.ts,
// which reports it over several seeds): 10 holder devices on the in-memory network, 8 files from
// the reference importer, each held by 3 of them; while sampled fetches run, holders leave
// (requests to them fail at once, or an answer in flight never comes) and rejoin, never all the
// holders of one file at once. Each sample is a fresh device fetching one file from its holders;
// it counts as a success only when the bytes come back identical (SHA-256 of the original). A
// fetch whose holders are all away at once starts again after a pause (fetcher.ts, retry rounds).
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { exportBytes } from '../../shared/storage/unixfs-export.ts'
import { createRng, type Rng } from '../../shared/util/prng.ts'
import type { MemoryNet } from '../market/test-devices.ts'
import { RETRIEVE_PROTOCOL } from './retrieve-wire.ts'
import { holderDevice, referenceFile, type RefFile } from './test-holders.ts'

const HOLDERS = 10
const FILES = 8
const COPIES = 3
const PARALLEL = 4
const TICK_MS = 20
/** The chance that an online holder leaves in a tick (when it may). */
const LEAVE_P = 0.2
/** A request's round trip: the network takes time, so holders come and go while a file moves. */
const LATENCY_MS = 5

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Who is online; a holder may leave only while every file it holds keeps another holder online. */
const churn = (rng: Rng, holdersOf: readonly (readonly number[])[]) => {
  const online = Array.from({ length: HOLDERS }, () => true)
  const back = Array.from({ length: HOLDERS }, () => 0)
  const mayLeave = (h: number) =>
    holdersOf.every((hs) => !hs.includes(h) || hs.some((o) => o !== h && online[o]))
  let leaves = 0
  let ticks = 0
  const tick = (t: number) => {
    ticks++
    for (let h = 0; h < HOLDERS; h++) {
      if (!online[h] && t >= back[h]!) online[h] = true
      else if (online[h] && rng.float() < LEAVE_P && mayLeave(h)) {
        online[h] = false
        back[h] = t + TICK_MS * (2 + rng.int(14))
        leaves++
      }
    }
  }
  return { online, tick, leaves: () => leaves, ticks: () => ticks }
}

/**
 * Routes requests to holder `h` through its online state: while it is away it has no handler (a
 * request fails at once, as with no connection), and an answer it was making when it left never
 * comes (the fetcher's stall timeout).
 */
const wire = (peers: MemoryNet, h: number, online: readonly boolean[]) => {
  const key = `H${h} ${RETRIEVE_PROTOCOL}`
  const honest = peers.get(key)!
  const wired: typeof honest = async (req) => {
    await sleep(LATENCY_MS)
    const answer = await honest(req)
    return online[h] ? answer : new Promise<Uint8Array>(() => {})
  }
  return () => (online[h] ? peers.set(key, wired) : peers.delete(key))
}

const sample = async (peers: MemoryNet, id: number, f: RefFile, holders: readonly number[]) => {
  const me = holderDevice(peers, `F${id}`)
  const res = await me.fetch({ cid: f.root, servers: holders.map((h) => `H${h}`) })
  if (!res.ok) console.log(`sample ${id}: ${JSON.stringify(res.error)}`)
  if (!res.ok) return false
  const got = await exportBytes(CID.parse(f.root), (c) => me.db.getBlock(c.toString()))
  return sha(got) === sha(f.bytes)
}

export interface ChurnResult {
  readonly seed: number
  readonly samples: number
  readonly ok: number
  /** The samples whose bytes did not come back identical. */
  readonly failed: readonly number[]
  readonly leaves: number
  readonly ticks: number
}

/** Places the files, starts the churn, runs `samples` fetches (PARALLEL at a time), stops it. */
export const runChurn = async (seed: number, samples: number): Promise<ChurnResult> => {
  const rng = createRng(seed)
  const peers = new Map() as MemoryNet
  const devices = Array.from({ length: HOLDERS }, (_, h) => holderDevice(peers, `H${h}`))
  const files: RefFile[] = []
  const holdersOf: number[][] = []
  for (let i = 0; i < FILES; i++) {
    files.push(await referenceFile(rng.bytes(200_000 + rng.int(1_000_000)), 64 << 10, 6))
    const hs = [...Array(HOLDERS).keys()].sort(() => rng.float() - 0.5).slice(0, COPIES)
    for (const h of hs) await devices[h]!.hold(files[i]!)
    holdersOf.push(hs)
  }
  const c = churn(rng, holdersOf)
  const follow = Array.from({ length: HOLDERS }, (_, h) => wire(peers, h, c.online))
  let t = 0
  let running = true
  const ticker = (async () => {
    while (running) {
      t += TICK_MS
      c.tick(t)
      for (const f of follow) f()
      await sleep(TICK_MS)
    }
  })()
  let ok = 0
  const failed: number[] = []
  for (let s = 0; s < samples; s += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, samples - s) }, (_, k) => {
      const i = rng.int(FILES)
      return sample(peers, s + k, files[i]!, holdersOf[i]!).then((good) => (good ? ok++ : failed.push(s + k)))
    })
    await Promise.all(batch)
  }
  running = false
  await ticker
  return { seed, samples, ok, failed, leaves: c.leaves(), ticks: c.ticks() }
}
