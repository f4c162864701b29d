// Benchmark: payments verified (batched WebCrypto Ed25519 through the Verifier port) and applied per
// second in Node, against plain WebCrypto and noble verifications per second in the same run; plus
// applyLedger alone, the state root, and a memory-store commit per ledger of 1,000 payments.
// Writes bench/results/ledger-node.json. Run: npx node bench/ledger-node.ts [backgroundAccounts]
import { createPrivateKey, createPublicKey, sign } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { addressOf } from '../shared/crypto/address.ts'
import { nobleVerifier } from '../shared/crypto/noble.ts'
import type { PublicKey, Signature, Signer, VerifyItem } from '../shared/crypto/signer.ts'
import {
  accountKey,
  applyChanges,
  applyLedger,
  checkTxs,
  decodeTx,
  coreProtocol,
  createMemoryLedgerStore,
  encodeTx,
  genesisState,
  headerCid,
  makeGenesisConfig,
  makeTxSet,
  signTx,
  txSigningHash,
  watt,
  type Amount,
  type LedgerState,
  type TxBody,
} from '../shared/ledger/index.ts'
import { concatBytes, fromHex } from '../shared/util/bytes.ts'
import { createRng } from '../shared/util/prng.ts'
import { nodeHash } from '../shared/ledger/trie.ts'
import { createWebCryptoVerifier } from '../worker/crypto/webcrypto-verifier.ts'

const background = Number(process.argv[2] ?? 100_000)
const PAYMENTS = 1000
const LEDGERS = 6
const rng = createRng(7)

const PKCS8 = fromHex('302e020100300506032b657004220420')
const keyPair = (): Signer => {
  const key = createPrivateKey({
    key: Buffer.from(concatBytes(PKCS8, rng.bytes(32))),
    format: 'der',
    type: 'pkcs8',
  })
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' })
  const publicKey = new Uint8Array(spki.subarray(spki.length - 32)) as PublicKey
  return { publicKey, sign: async (m) => new Uint8Array(sign(null, m, key)) as Signature }
}

const reserve = keyPair()
const config = makeGenesisConfig({
  networkId: 'watt-bench',
  genesisTimeMs: 1_800_000_000_000,
  reserveAddress: addressOf(reserve.publicKey),
  validators: [addressOf(reserve.publicKey)],
  ledgerCapacityOps: PAYMENTS,
})
const env = { config, protocol: coreProtocol }

// State: background accounts plus 1,000 funded senders, written straight into the trie.
let t0 = performance.now()
const senders = Array.from({ length: PAYMENTS }, keyPair)
const g = genesisState(config).state
const changes = []
const bgKeys: Uint8Array[] = []
for (let i = 0; i < background; i++) {
  const pk = rng.bytes(32)
  bgKeys.push(pk)
  changes.push({ key: accountKey(addressOf(pk)), value: { balance: watt(1), seq: 0n } })
}
for (const s of senders)
  changes.push({ key: accountKey(addressOf(s.publicKey)), value: { balance: watt(1000), seq: 0n } })
let tree = applyChanges(g.tree, changes)
nodeHash(tree) // the full root once, as a node restoring from its store would
const header = { ...g.header }
let state: LedgerState = { tree, header, headerCid: headerCid(header) }
const buildStateMs = performance.now() - t0

// Pre-signed ledgers of 1,000 payments (one per sender, so every tx is independent).
const ledgers: Uint8Array[][] = []
for (let l = 0; l < LEDGERS; l++) {
  ledgers.push(
    await Promise.all(
      senders.map((s) => {
        const body: TxBody = {
          network: config.networkId,
          source: s.publicKey,
          seq: BigInt(l + 1),
          fee: config.minFeePerOp,
          minTimeMs: 0,
          maxTimeMs: 0,
          memo: new Uint8Array(0),
          ops: [{ type: 'payment', dest: bgKeys[rng.int(background)]!, amount: 1000n as Amount } as never],
        }
        return signTx(body, [s]).then(encodeTx)
      }),
    ),
  )
}

const verifier = await createWebCryptoVerifier()
const store = createMemoryLedgerStore()
const rows = []
let closeTime = config.genesisTimeMs
for (const [l, txs] of ledgers.entries()) {
  // The same ledger's signatures verified alone, just before: the in-run baseline for this ledger.
  const decoded = txs
    .map((b) => decodeTx(b, coreProtocol))
    .map((d) => (d.ok ? d.value : assert(d.error.code)))
  const sigItems = decoded.map((d) => ({
    publicKey: d.sigs[0]!.pk,
    message: txSigningHash(d.bodyBytes),
    signature: d.sigs[0]!.sig,
  }))
  t0 = performance.now()
  await verifier.verifyBatch(sigItems)
  const tVerify = performance.now() - t0
  t0 = performance.now()
  const checked = (await checkTxs(txs, coreProtocol, verifier)).map((c) =>
    c.ok ? c.value : assert(c.error.code),
  )
  const tCheck = performance.now() - t0
  t0 = performance.now()
  const set = makeTxSet(state.headerCid, checked)
  closeTime += 5000
  const r = applyLedger(state, set, { closeTimeMs: closeTime }, env)
  if (!r.ok) throw new Error(r.error.code)
  const tApply = performance.now() - t0
  if (!r.value.results.every((x) => x.ok)) throw new Error('a payment failed')
  t0 = performance.now()
  if (l === 0) await store.commit({ header: state.header, txSet: set.set, results: [], changes: [] })
  await store.commit({
    header: r.value.header,
    txSet: set.set,
    results: r.value.results,
    changes: r.value.changes,
  })
  const tCommit = performance.now() - t0
  state = r.value.state
  tree = state.tree
  rows.push({ ledger: l, verifyOnlyMs: tVerify, checkMs: tCheck, applyMs: tApply, memoryCommitMs: tCommit })
}

function assert(code: string): never {
  throw new Error(code)
}

// Baselines in the same run: batched WebCrypto verifications and noble verifications.
const items: VerifyItem[] = []
for (const [i, s] of senders.entries()) {
  const msg = txSigningHash(new Uint8Array([i & 0xff, i >> 8]))
  items.push({ publicKey: s.publicKey, message: msg, signature: await s.sign(msg) })
}
const rate = async (n: number, f: () => Promise<unknown>) => {
  const start = performance.now()
  await f()
  return (n * 1000) / (performance.now() - start)
}
await verifier.verifyBatch(items)
const webcryptoPerS = Math.max(
  await rate(items.length, () => verifier.verifyBatch(items)),
  await rate(items.length, () => verifier.verifyBatch(items)),
  await rate(items.length, () => verifier.verifyBatch(items)),
)
const noblePerS = await rate(200, () => nobleVerifier.verifyBatch(items.slice(0, 200)))
const noVerify = {
  verify: async () => true,
  verifyBatch: async (xs: readonly VerifyItem[]) => xs.map(() => true),
}
const decodePerS = Math.max(
  await rate(PAYMENTS, () => checkTxs(ledgers[0]!, coreProtocol, noVerify)),
  await rate(PAYMENTS, () => checkTxs(ledgers[1]!, coreProtocol, noVerify)),
)

const steady = rows.slice(1)
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const median = (xs: number[]) => Number([...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(3))
const checkMs = mean(steady.map((r) => r.checkMs))
const applyMs = mean(steady.map((r) => r.applyMs))
const paymentsPerS = (PAYMENTS * 1000) / (checkMs + applyMs)
const result = {
  bench: 'ledger-node',
  node: process.version,
  cpus: cpus().length,
  backgroundAccounts: background,
  paymentsPerLedger: PAYMENTS,
  buildStateMs: Math.round(buildStateMs),
  perLedger: rows.map((r) => ({
    ledger: r.ledger,
    verifyOnlyMs: Math.round(r.verifyOnlyMs),
    ratio: Number((r.verifyOnlyMs / (r.checkMs + r.applyMs)).toFixed(3)),
    checkMs: Math.round(r.checkMs),
    applyMs: Math.round(r.applyMs),
    memoryCommitMs: Math.round(r.memoryCommitMs),
  })),
  meanCheckMs: Math.round(checkMs),
  meanApplyMs: Math.round(applyMs),
  paymentsVerifiedAndAppliedPerS: Math.round(paymentsPerS),
  paymentsAppliedPerS: Math.round((PAYMENTS * 1000) / applyMs),
  webcryptoVerifyPerS: Math.round(webcryptoPerS),
  nobleVerifyPerS: Math.round(noblePerS),
  decodeAndHashOnlyPerS: Math.round(decodePerS),
  ratioToWebcryptoBestBaseline: Number((paymentsPerS / webcryptoPerS).toFixed(3)),
  medianPerLedgerRatio: median(steady.map((r) => r.verifyOnlyMs / (r.checkMs + r.applyMs))),
  loadAverage: loadavg().map((x) => Number(x.toFixed(1))),
}
console.log(JSON.stringify(result, null, 2))
mkdirSync('bench/results', { recursive: true })
writeFileSync('bench/results/ledger-node.json', `${JSON.stringify(result, null, 2)}\n`)
