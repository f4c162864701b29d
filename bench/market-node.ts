// Benchmark of the storage market in Node (issue 13): (1) deal onboarding for a 10 MiB file,
// publish to active through the client's and provider's market services on a test ledger (the
// in-memory proof worker runs the same shared/storage sealing), against sealing the same sector
// alone in the same run (aim <= 1.5); (2) a validator's cost to verify one sector's window proof
// (16 MiB, the genesis challenges, the ledger's pure-JS hash) against a 5 s close interval, and
// the sectors a validator checks per day within 10% of one core at the default 24 windows a day
// (aim >= 100,000); (3) proof bytes on the ledger per sector per day (windows, plus the seal proof
// spread over a 30-day term) against the 256 B. Writes bench/results/market-node.json.
// Run: npx node bench/market-node.ts
import { dealSealParams, ledgerHash, marketPostParams } from '../shared/market/binding.ts'
import { marketParams } from '../shared/market/params.ts'
import { sealWith } from '../shared/market/test/prover.ts'
import { networkProtocol } from '../shared/node/protocol.ts'
import { chainStart, proveWindow, verifyWindow } from '../shared/storage/post.ts'
import { createRng } from '../shared/util/prng.ts'
import { testLedger } from '../worker/node/test-ledger.ts'
import { clientAndProvider, closeUntil, type MemoryNet } from '../worker/market/test-devices.ts'
import { round, writeResult } from './browser/report.ts'
import { DEVNET_MARKET } from '../tools/devnet.ts'

const MiB = 1 << 20
const FILE = 10 * MiB
const CLOSE_MS = 5000
const DAY_MS = 86_400_000
const TERM_DAYS = 30
const mp = marketParams.defaults
const rng = createRng(7)

const sealAlone = () => {
  const p = dealSealParams(mp, FILE)
  const data = new Uint8Array(p.sectorSize)
  data.set(rng.bytes(FILE))
  const t0 = performance.now()
  const s = sealWith(p, { providerKey: rng.bytes(32), sectorNumber: 1, ticket: rng.bytes(32), data })
  const sealMs = performance.now() - t0
  return { s, sealMs, sectorSize: p.sectorSize, sealProofBytes: s.prove(rng.bytes(32)).length }
}

/** Publish to active of one 10 MiB replica, with the devnet's short periods. */
const onboarding = async () => {
  const ledger = testLedger({
    networkId: 'market-bench',
    protocol: networkProtocol(),
    params: { market: DEVNET_MARKET },
  })
  const peers = new Map() as MemoryNet
  const { client } = await clientAndProvider(ledger, peers, {
    price: '1',
    collateral: '1',
    capacity: 64 * MiB,
  })
  const file = new File([rng.bytes(FILE) as BlobPart], 'bench.bin')
  const t0 = performance.now()
  await client.call('market.store', { file, replicas: 1, days: 1 })
  const active = async () => (await client.call('market.view')).deals[0]?.state === 'active'
  await closeUntil(ledger, active, 400)
  return performance.now() - t0
}

const windowCost = (s: ReturnType<typeof sealAlone>['s'], sectorSize: number) => {
  const post = marketPostParams(mp)
  const w = { randomness: rng.bytes(32), prevDigest: chainStart(rng.bytes(32), 0, ledgerHash) }
  const proof = proveWindow(post, w, [s.replica], ledgerHash)
  const pub = [{ sectorNumber: 1, sectorSize, commR: s.commR }]
  const runs = 200
  const t0 = performance.now()
  for (let i = 0; i < runs; i++)
    if (!verifyWindow(post, w, pub, proof, ledgerHash)) throw new Error('bad proof')
  return { verifyMs: (performance.now() - t0) / runs, proofBytes: proof.length }
}

const seal = sealAlone()
const onboardMs = await onboarding()
const win = windowCost(seal.s, seal.sectorSize)
const windowsPerDay = DAY_MS / (mp.provingPeriodLedgers * CLOSE_MS)
const sectorsPerDay = (0.1 * DAY_MS) / (win.verifyMs * windowsPerDay)
const bytesPerDay = win.proofBytes * windowsPerDay + seal.sealProofBytes / TERM_DAYS
writeResult('market-node', {
  headline: [
    {
      label: 'deal onboarding 10 MiB (publish to active) / sealing the sector alone',
      ratio: round(onboardMs / seal.sealMs),
      aim: 1.5,
    },
    {
      label: 'window proof verify (16 MiB sector) / 5 s close interval',
      ratio: round(win.verifyMs / CLOSE_MS, 6),
    },
    {
      label: 'sectors verified per day in 10% of a core / 100,000',
      ratio: round(sectorsPerDay / 100_000),
      aim: 1,
    },
    { label: 'proof bytes per sector per day / 256 B', ratio: round(bytesPerDay / 256), aim: 1 },
  ],
  figures: {
    fileBytes: FILE,
    sectorBytes: seal.sectorSize,
    sealMs: round(seal.sealMs, 0),
    onboardMs: round(onboardMs, 0),
    sealProofBytes: seal.sealProofBytes,
    windowProofBytes: win.proofBytes,
    windowVerifyMs: round(win.verifyMs),
    windowsPerDay,
    sectorsPerDayAt10PctCore: Math.round(sectorsPerDay),
    proofBytesPerSectorPerDay: Math.round(bytesPerDay),
  },
})
