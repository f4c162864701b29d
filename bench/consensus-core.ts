// Consensus benchmark of the pure code (issue 4), in Node: SCP envelopes processed per second by
// the state machine (runScpWorkload, no signatures) against WebCrypto Ed25519 verifications per
// second in the same run (every real envelope costs one: the ratio says whether the protocol
// logic or the signature check bounds a validator); and the time to analyse the 74-node
// stellarbeat snapshot `correct.json` with shared/quorum, against stellar-core's 5 s budget for
// its intersection checker. Writes bench/results/consensus-core.json.
// Run: npx node bench/consensus-core.ts
import { readFileSync } from 'node:fs'
import { createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto'
import { analyzeFbas } from '../shared/quorum/analyze.ts'
import { fbasFromStellarbeat } from '../shared/quorum/read.ts'
import { runScpWorkload } from '../shared/scp/index.ts'
import { concatBytes, fromHex } from '../shared/util/bytes.ts'
import { createWebCryptoVerifier } from '../worker/crypto/webcrypto-verifier.ts'
import { percentile, round, writeResult } from './browser/report.ts'

const SNAPSHOT = 'shared/quorum/test/fbas/correct.json'
const STELLAR_CORE_CHECKER_BUDGET_MS = 5000
const VERIFY_BATCH = 2000
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Envelopes per second for `nodes` validators closing `slots` slots, wall and CPU. */
const scpRate = async (nodes: number, slots: number) => {
  const t0 = performance.now()
  const c0 = cpuMs()
  const r = await runScpWorkload({ nodes, slots })
  const wall = performance.now() - t0
  const cpu = cpuMs() - c0
  if (r.slotsExternalized !== slots)
    throw new Error(`only ${r.slotsExternalized}/${slots} slots externalized`)
  return {
    nodes,
    slots,
    envelopes: r.envelopesProcessed,
    envelopesPerSlot: Math.round(r.envelopesProcessed / slots),
    envelopesPerS: Math.round((r.envelopesProcessed * 1000) / wall),
    envelopesPerCpuS: Math.round((r.envelopesProcessed * 1000) / cpu),
  }
}

/** WebCrypto Ed25519 verifications per second (batched, as the node verifies envelopes). */
const verifyRate = async () => {
  const key = createPrivateKey({
    key: Buffer.from(concatBytes(fromHex('302e020100300506032b657004220420'), randomBytes(32))),
    format: 'der',
    type: 'pkcs8',
  })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32))
  const items = Array.from({ length: VERIFY_BATCH }, () => {
    const message = new Uint8Array(randomBytes(200))
    return { publicKey, message, signature: new Uint8Array(sign(null, message, key)) }
  })
  const verifier = await createWebCryptoVerifier()
  await verifier.verifyBatch(items.slice(0, 50))
  const t0 = performance.now()
  const c0 = cpuMs()
  const ok = await verifier.verifyBatch(items)
  const wall = performance.now() - t0
  if (!ok.every(Boolean)) throw new Error('a signature failed to verify')
  return {
    perS: Math.round((VERIFY_BATCH * 1000) / wall),
    perCpuS: Math.round((VERIFY_BATCH * 1000) / (cpuMs() - c0)),
  }
}

const analysisMs = () => {
  const doc = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as unknown
  const times: number[] = []
  let summary: Record<string, unknown> = {}
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    const fbas = fbasFromStellarbeat(doc)
    if (!fbas.ok) throw new Error(fbas.error.code)
    const a = analyzeFbas(fbas.value)
    if (!a.ok) throw new Error(a.error.code)
    times.push(performance.now() - t0)
    summary = {
      nodes: fbas.value.names.length,
      intersection: a.value.intersection,
      topTier: a.value.topTier.length,
      minimalQuorums: a.value.minimalQuorums.length,
      minimalBlockingSets: a.value.minimalBlockingSets.length,
      minimalSplittingSets: a.value.minimalSplittingSets.length,
    }
  }
  return { ...summary, ms: times.map((t) => round(t, 1)), msMin: round(Math.min(...times), 1) }
}

// interleave the two rates so a change of load hits both
const scp: Awaited<ReturnType<typeof scpRate>>[] = []
const verify: Awaited<ReturnType<typeof verifyRate>>[] = []
for (let round_ = 0; round_ < 3; round_++) {
  scp.push(await scpRate(4, 50))
  verify.push(await verifyRate())
}
const scp7 = await scpRate(7, 20)
const scpPerS = percentile(
  scp.map((s) => s.envelopesPerS),
  50,
)
const verifyPerS = percentile(
  verify.map((v) => v.perS),
  50,
)
const scpPerCpuS = percentile(
  scp.map((s) => s.envelopesPerCpuS),
  50,
)
const verifyPerCpuS = percentile(
  verify.map((v) => v.perCpuS),
  50,
)
const quorum = analysisMs()
writeResult('consensus-core', {
  headline: [
    {
      label: 'SCP envelopes per CPU-s (4 nodes, no signatures) / WebCrypto verifies per CPU-s',
      ratio: round(scpPerCpuS / verifyPerCpuS),
    },
    {
      label: 'quorum analysis of correct.json / 5 s checker budget',
      ratio: round(quorum.msMin / STELLAR_CORE_CHECKER_BUDGET_MS, 5),
    },
  ],
  figures: {
    scp: { runs: scp, sevenNodes: scp7, envelopesPerSP50: scpPerS, envelopesPerCpuSP50: scpPerCpuS },
    webCryptoVerify: { batch: VERIFY_BATCH, runs: verify, perSP50: verifyPerS, perCpuSP50: verifyPerCpuS },
    wallRatio: round(scpPerS / verifyPerS),
    quorumAnalysis: { snapshot: SNAPSHOT, budgetMs: STELLAR_CORE_CHECKER_BUDGET_MS, ...quorum },
  },
})
