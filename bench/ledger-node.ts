// Benchmark in Node: payments verified (batched WebCrypto Ed25519 through the Verifier port) and
// applied per second against WebCrypto verifications of the same signatures in the same run, plus
// noble verifications for reference. Scenario: worker/ledger/ledger-bench.ts.
// Writes bench/results/ledger-node.json in the common result format (bench/browser/report.ts).
// Run: npx node bench/ledger-node.ts [backgroundAccounts]
import { createPrivateKey, createPublicKey, randomBytes, sign } from 'node:crypto'
import { nobleVerifier } from '../shared/crypto/noble.ts'
import type { PublicKey, Signature, Signer } from '../shared/crypto/signer.ts'
import { createMemoryLedgerStore } from '../shared/ledger/index.ts'
import { concatBytes, fromHex } from '../shared/util/bytes.ts'
import { createWebCryptoVerifier } from '../worker/crypto/webcrypto-verifier.ts'
import { runLedgerBench } from '../worker/ledger/ledger-bench.ts'
import { writeResult } from './browser/report.ts'

const PKCS8 = fromHex('302e020100300506032b657004220420')
const makeSigner = async (): Promise<Signer> => {
  const key = createPrivateKey({
    key: Buffer.from(concatBytes(PKCS8, randomBytes(32))),
    format: 'der',
    type: 'pkcs8',
  })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32)) as PublicKey
  return { publicKey, sign: async (m) => new Uint8Array(sign(null, m, key)) as Signature }
}

const verifier = await createWebCryptoVerifier()
const run = await runLedgerBench(
  {
    makeSigner,
    randomBytes: (n) => new Uint8Array(randomBytes(n)),
    verifier,
    store: createMemoryLedgerStore(),
    now: () => performance.now(),
    cpu: () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    },
  },
  { background: Number(process.argv[2] ?? 100_000), payments: 1000, ledgers: 6 },
)

// noble for reference (pure JS, the fallback where WebCrypto lacks Ed25519)
const s = await makeSigner()
const msg = new Uint8Array(32)
const items = Array.from({ length: 100 }, () => ({
  publicKey: s.publicKey,
  message: msg,
  signature: new Uint8Array(),
}))
const sig = await s.sign(msg)
const t0 = performance.now()
await nobleVerifier.verifyBatch(items.map((i) => ({ ...i, signature: sig })))
const noblePerS = Math.round((items.length * 1000) / (performance.now() - t0))

writeResult('ledger-node', {
  headline: [
    { label: 'payments verified+applied/s / WebCrypto verifies/s (Node)', ratio: run.ratio, aim: 0.6 },
  ],
  figures: { store: 'memory', ...run, nobleVerifyPerS: noblePerS },
})
