// Retrieval benchmark (issue 15), in one run: the app's retrieval.fetch between two browser nodes
// over their direct WebRTC connection against a raw RTCDataChannel between the same two pages
// (throughput, and time to the first verified byte against the raw channel's time to carry one
// 1 MiB leaf), the core worker's heap held by one active retrieval against the fetcher's design
// bound (one answer of about 1 MiB per server, worker/retrieval/fetcher.ts), and the success rate of
// the seeded churn scenario (worker/retrieval/retrieval-churn.ts) over several seeds.
// The files reach B as a retrieval cache: a seeder node C stores them (the storage service seals
// them at once, minutes of CPU on this machine), B fetches them from C, C closes before A opens,
// so no sealing runs while A fetches from B. Writes bench/results/retrieval-browser.json.
// Run: npx node bench/retrieval-browser.ts [MiB per file = 16]
import type { Browser, Page } from '@playwright/test'
import { runChurn } from '../worker/retrieval/retrieval-churn.ts'
import { launchChromium } from './browser/chromium.ts'
import { coreWorkerHeap, type HeapProbe, pageHeap } from './browser/heap.ts'
import {
  type BenchNode,
  connectRawChannel,
  openNode,
  startBenchDevnet,
  waitForDirectLink,
} from './browser/nodes.ts'
import { rawRoundTrips, rawThroughput } from './browser/raw-channel.ts'
import { percentile, round, writeResult } from './browser/report.ts'
import {
  installBenchCore,
  quotedHolders,
  setServing,
  storeSeeded,
  timedFetch,
} from './browser/retrieval-probe.ts'

const MIB = 1024 * 1024
const mib = Number(process.argv[2] ?? 16)
const ROUNDS = 4
const ROUND_TRIPS = 50
const CHURN_SEEDS = [1, 2, 3, 4, 5]
const CHURN_SAMPLES = 120
/** The fetcher's bound when this was written: one answer, about 1 MiB, per server (now two to a free one, fetcher.ts). */
const BOUND_PER_SERVER = MIB
const HEAP_SAMPLE_MS = 200

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const median = (xs: readonly number[]) => percentile(xs, 50)

/** Until `fetcher`'s quote names `holder` for `cid`: the holder re-announces (serving off, on) each try. */
const waitForHolder = async (fetcher: Page, holder: BenchNode, cid: string): Promise<void> => {
  for (let attempt = 0; attempt < 6; attempt++) {
    await holder.page.evaluate(setServing, false)
    await holder.page.evaluate(setServing, true)
    for (let i = 0; i < 5; i++) {
      if ((await fetcher.evaluate(quotedHolders, cid)).includes(holder.peerId)) return
      await sleep(1000)
    }
  }
  throw new Error(`no announcement of ${cid} from ${holder.peerId} reached the fetcher`)
}

/** C stores `count` seeded files and serves them; B fetches each (its cache); C closes. */
const seedCache = async (c: BenchNode, b: BenchNode, count: number) => {
  await waitForDirectLink(c, b)
  const files = []
  for (let i = 0; i < count; i++)
    files.push(await c.page.evaluate(storeSeeded, { seed: 1000 + i, bytes: mib * MIB }))
  await b.page.evaluate(setServing, true)
  for (const f of files) {
    await waitForHolder(b.page, c, f.cid)
    const got = await b.page.evaluate(timedFetch, f.cid)
    if (got.sha256 !== f.sha256) throw new Error(`B's copy of ${f.cid} differs`)
  }
  await c.page.context().close()
  return files
}

/** One round: A fetches a fresh CID from B, then the raw channel carries the same bytes B to A. */
const fetchRound = async (a: Page, b: Page, f: { cid: string; sha256: string }) => {
  const fetched = await a.evaluate(timedFetch, f.cid)
  if (fetched.sha256 !== f.sha256) throw new Error(`A's copy of ${f.cid} differs`)
  const raw64 = await b.evaluate(rawThroughput, { bytes: fetched.bytes, chunk: 64 * 1024 })
  const raw16 = await b.evaluate(rawThroughput, { bytes: fetched.bytes, chunk: 16 * 1024 })
  const rawLeaf = await b.evaluate(rawThroughput, { bytes: MIB, chunk: 64 * 1024 })
  return { ...fetched, rawMs: Math.min(raw64, raw16), raw64Ms: raw64, raw16Ms: raw16, rawLeafMs: rawLeaf }
}

/** Heap (after GC) of A's core worker and page while one fetch runs, against idle before it. */
const heapDuringFetch = async (a: Page, probes: { worker: HeapProbe; page: HeapProbe }, cid: string) => {
  const idle = { worker: await probes.worker.bytes(true), page: await probes.page.bytes(true) }
  const peak = { ...idle }
  let running = true
  const fetch = a.evaluate(timedFetch, cid).finally(() => {
    running = false
  })
  let samples = 0
  while (running) {
    await sleep(HEAP_SAMPLE_MS)
    peak.worker = Math.max(peak.worker, await probes.worker.bytes(true))
    peak.page = Math.max(peak.page, await probes.page.bytes(true))
    samples++
  }
  const fetched = await fetch
  const after = { worker: await probes.worker.bytes(true), page: await probes.page.bytes(true) }
  const mibOf = (x: number) => round(x / MIB, 2)
  return {
    servers: fetched.servers,
    samples,
    idleMiB: { worker: mibOf(idle.worker), page: mibOf(idle.page) },
    peakMiB: { worker: mibOf(peak.worker), page: mibOf(peak.page) },
    afterMiB: { worker: mibOf(after.worker), page: mibOf(after.page) },
    heldMiB: { worker: mibOf(peak.worker - idle.worker), page: mibOf(peak.page - idle.page) },
  }
}

const churnRuns = async () => {
  const runs = []
  for (const seed of CHURN_SEEDS) runs.push(await runChurn(seed, CHURN_SAMPLES))
  const ok = runs.reduce((n, r) => n + r.ok, 0)
  return { rate: ok / (CHURN_SEEDS.length * CHURN_SAMPLES), ok, runs }
}

type Round = Awaited<ReturnType<typeof fetchRound>>
type Memory = Awaited<ReturnType<typeof heapDuringFetch>>
type Churn = Awaited<ReturnType<typeof churnRuns>>

const report = (chromium: string, rounds: Round[], rawRt: number[], memory: Memory, churn: Churn) => {
  // each retrieval against the raw transfer of the same bytes right after it: robust to load drift
  const paired = rounds.map((r) => round(r.rawMs / r.ms))
  const firstByte = rounds.map((r) => r.firstByteMs ?? Number.NaN)
  const mibPerS = (ms: number) => round((mib * 1000) / ms, 2)
  const bound = BOUND_PER_SERVER * Math.max(1, memory.servers)
  writeResult('retrieval-browser', {
    chromium,
    headline: [
      { label: 'retrieval.fetch / raw data channel throughput (B to A)', ratio: median(paired), aim: 0.8 },
      {
        label: 'time to first verified byte / raw channel time for one 1 MiB leaf',
        ratio: round(median(firstByte) / median(rounds.map((r) => r.rawLeafMs))),
      },
      {
        label: 'core worker heap per active retrieval / 1 MiB per server (aim <= 1)',
        ratio: round((memory.heldMiB.worker * MIB) / bound),
        aim: 1,
      },
      { label: 'churn: retrievals succeeded (seeded scenario)', ratio: round(churn.rate, 4), aim: 0.99 },
    ],
    figures: {
      throughput: {
        mibPerFile: mib,
        rounds: rounds.length,
        retrievalMs: rounds.map((r) => Math.round(r.ms)),
        raw64KiBMs: rounds.map((r) => Math.round(r.raw64Ms)),
        raw16KiBMs: rounds.map((r) => Math.round(r.raw16Ms)),
        pairedRatios: paired,
        retrievalMiBPerS: mibPerS(median(rounds.map((r) => r.ms))),
        rawChannelMiBPerS: mibPerS(median(rounds.map((r) => r.rawMs))),
        serversUsed: rounds.map((r) => r.servers),
      },
      firstVerifiedByte: {
        limit:
          'raw data channel: 1 MiB (one UnixFS leaf) in 64 KiB messages, B to A, until its count is back',
        retrievalMs: firstByte.map(Math.round),
        rawLeafMs: rounds.map((r) => round(r.rawLeafMs, 1)),
        rawEchoMs: { p50: round(median(rawRt), 2), p99: round(percentile(rawRt, 99), 2) },
      },
      memory: { ...memory, boundMiB: bound / MIB, sampleMs: HEAP_SAMPLE_MS },
      churn: { seeds: CHURN_SEEDS, samplesPerSeed: CHURN_SAMPLES, ok: churn.ok, runs: churn.runs },
    },
  })
}

/** A node whose page has the bench's RPC client installed. */
const openRpcNode = async (browser: Browser, url: string): Promise<BenchNode> => {
  const n = await openNode(browser, url)
  await n.page.evaluate(installBenchCore)
  return n
}

const churn = await churnRuns()
const devnet = await startBenchDevnet()
const url = devnet.relay.httpUrl
const browser = await launchChromium()
try {
  const b = await openRpcNode(browser, url)
  const files = await seedCache(await openRpcNode(browser, url), b, ROUNDS + 1)
  const a = await openRpcNode(browser, url)
  await waitForDirectLink(a, b)
  for (const f of files) await waitForHolder(a.page, b, f.cid)
  await connectRawChannel(b.page, a.page)
  const rawRt = await b.page.evaluate(rawRoundTrips, ROUND_TRIPS)
  const rounds = []
  for (const f of files.slice(0, ROUNDS)) rounds.push(await fetchRound(a.page, b.page, f))
  const probes = { worker: await coreWorkerHeap(browser, a.page), page: await pageHeap(a.page) }
  const memory = await heapDuringFetch(a.page, probes, files[ROUNDS]!.cid)
  report(browser.version(), rounds, rawRt, memory, churn)
} finally {
  await browser.close()
  await devnet.stop()
}
