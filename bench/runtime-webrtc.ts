// Runtime benchmark (issue 2): a relay started here serves the built PWA; headless Chromium
// contexts become nodes. Measures page load to first direct WebRTC peer, round trips between two
// browser nodes (32-byte echo on a libp2p stream over WebRTC, and libp2p ping), and throughput of
// a libp2p stream over the direct WebRTC connection against a raw RTCDataChannel between the same
// two contexts, alternated in the same run. Writes bench/results/runtime-webrtc.json.
// Run: npx node bench/runtime-webrtc.ts [MiB per transfer = 16]
import { launchChromium } from './browser/chromium.ts'
import { installProbeHandlers, probeRoundTrips, probeThroughput } from './browser/libp2p-probe.ts'
import { connectRawChannel, openNode, startBenchRelay, waitForDirectLink } from './browser/nodes.ts'
import { rawRoundTrips, rawThroughput } from './browser/raw-channel.ts'
import { percentile, round, writeResult } from './browser/report.ts'

const MIB = 1024 * 1024
const mib = Number(process.argv[2] ?? 16)
const ROUNDS = 5
const ROUND_TRIPS = 100
const FIRST_PEER_SAMPLES = 3

const relay = await startBenchRelay()
const browser = await launchChromium()

try {
  // the first node has nobody to link with: it only goes online
  const nodeA = await openNode(browser, relay.httpUrl)
  const a = nodeA.page
  const joins = []
  for (let i = 0; i < FIRST_PEER_SAMPLES; i++)
    joins.push(await openNode(browser, relay.httpUrl, { firstPeer: true }))
  const b = joins[0]!
  for (const extra of joins.slice(1)) await extra.page.context().close()

  // both hosts see the direct link, then the probe handlers go in on B
  await waitForDirectLink(nodeA, b)
  await b.page.evaluate(installProbeHandlers)

  // the raw baseline between the same two contexts, signalled through this process
  await connectRawChannel(a, b.page)

  const rt = await a.evaluate(probeRoundTrips, { peer: b.peerId, count: ROUND_TRIPS })
  const rawRt = await a.evaluate(rawRoundTrips, ROUND_TRIPS)

  const bytes = mib * MIB
  const libp2pMs: number[] = []
  const rawMs: number[] = []
  const raw16Ms: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    libp2pMs.push(await a.evaluate(probeThroughput, { peer: b.peerId, bytes, chunk: 64 * 1024 }))
    rawMs.push(await a.evaluate(rawThroughput, { bytes, chunk: 64 * 1024 }))
    raw16Ms.push(await a.evaluate(rawThroughput, { bytes, chunk: 16 * 1024 }))
  }
  // the limit is the faster raw message size of each round (libp2p itself sends 16 KiB messages)
  const rawBestMs = rawMs.map((ms, i) => Math.min(ms, raw16Ms[i]!))
  const mibPerS = (ms: number) => round((mib * 1000) / ms, 1)
  const libp2pMiBs = mibPerS(percentile(libp2pMs, 50))
  const rawMiBs = mibPerS(percentile(rawBestMs, 50))
  // each libp2p transfer against the raw one right after it: robust to the load drifting
  const paired = libp2pMs.map((ms, i) => round(rawBestMs[i]! / ms))
  const echoP50 = percentile(rt.echoMs, 50)
  const rawP50 = percentile(rawRt, 50)
  const firstPeer = joins.map((j) => Math.round(j.firstPeerMs ?? Number.NaN))

  writeResult('runtime-webrtc', {
    chromium: browser.version(),
    headline: [
      { label: 'libp2p stream / raw data channel throughput', ratio: percentile(paired, 50), aim: 0.8 },
      { label: 'raw / libp2p echo round trip (p50)', ratio: round(rawP50 / echoP50) },
    ],
    figures: {
      firstNodeOnlineMs: Math.round(nodeA.onlineMs),
      loadToOnlineMs: joins.map((j) => Math.round(j.onlineMs)),
      loadToFirstWebRtcPeerMs: firstPeer,
      loadToFirstWebRtcPeerMsP50: percentile(firstPeer, 50),
      roundTrip: {
        libp2pEchoMs: { p50: round(echoP50, 2), p99: round(percentile(rt.echoMs, 99), 2) },
        libp2pPingMs: { p50: round(percentile(rt.pingMs, 50), 2), p99: round(percentile(rt.pingMs, 99), 2) },
        rawChannelEchoMs: { p50: round(rawP50, 2), p99: round(percentile(rawRt, 99), 2) },
        samples: ROUND_TRIPS,
      },
      throughput: {
        mibPerTransfer: mib,
        chunkBytes: 64 * 1024,
        rounds: ROUNDS,
        libp2pMs: libp2pMs.map(Math.round),
        rawMs: rawMs.map(Math.round),
        raw16KiBMs: raw16Ms.map(Math.round),
        pairedRatios: paired,
        libp2pMiBPerS: libp2pMiBs,
        rawChannelMiBPerS: rawMiBs,
      },
    },
  })
} finally {
  await browser.close()
  await relay.stop()
}
