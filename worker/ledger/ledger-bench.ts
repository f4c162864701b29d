// The ledger benchmark scenario, shared by the Node bench (bench/ledger-node.ts) and the browser
// worker bench (ledger-bench.worker.ts): 1,000 independent payments per ledger over a state of
// many background accounts. Per ledger it times the same signatures verified alone (the in-run
// baseline), then checkTxs (decode + batched verify), applyLedger, and the store commit.
import { addressOf } from '../../shared/crypto/address.ts'
import type { Signer, Verifier } from '../../shared/crypto/signer.ts'
import {
  type Amount,
  accountKey,
  applyChanges,
  applyLedger,
  checkTxs,
  coreProtocol,
  decodeTx,
  encodeTx,
  GENESIS_TX_SET,
  genesisState,
  headerCid,
  type LedgerState,
  type LedgerStore,
  makeGenesisConfig,
  makeTxSet,
  signTx,
  type TxBody,
  txSigningHash,
  watt,
} from '../../shared/ledger/index.ts'
import { nodeHash } from '../../shared/ledger/trie.ts'

export interface BenchPorts {
  makeSigner(): Promise<Signer>
  randomBytes(n: number): Uint8Array
  verifier: Verifier
  store: LedgerStore
  now(): number
  /** Process CPU time in ms where the platform has it (Node): robust to a busy machine. */
  cpu?(): number
}

export interface BenchOptions {
  readonly background: number
  readonly payments: number
  readonly ledgers: number
}

const must = <T>(r: { ok: true; value: T } | { ok: false; error: { code: string } }): T => {
  if (!r.ok) throw new Error(r.error.code)
  return r.value
}

export const runLedgerBench = async (p: BenchPorts, o: BenchOptions) => {
  const reserve = await p.makeSigner()
  const config = makeGenesisConfig({
    networkId: 'watt-bench',
    genesisTimeMs: 1_800_000_000_000,
    reserveAddress: addressOf(reserve.publicKey),
    validators: [addressOf(reserve.publicKey)],
    ledgerCapacityOps: o.payments,
  })
  const env = { config, protocol: coreProtocol }

  let t0 = p.now()
  const senders: Signer[] = []
  for (let i = 0; i < o.payments; i++) senders.push(await p.makeSigner())
  const g = genesisState(config, coreProtocol)
  const bgKeys: Uint8Array[] = []
  const changes = [...g.changes]
  for (let i = 0; i < o.background; i++) {
    const pk = p.randomBytes(32)
    bgKeys.push(pk)
    changes.push({ key: accountKey(addressOf(pk)), value: { balance: watt(1), seq: 0n } })
  }
  for (const s of senders) {
    changes.push({ key: accountKey(addressOf(s.publicKey)), value: { balance: watt(1000), seq: 0n } })
  }
  const tree = applyChanges(null, changes)
  const header = { ...g.state.header, stateRoot: nodeHash(tree) }
  let state: LedgerState = { tree, header, headerCid: headerCid(header) }
  const buildStateMs = p.now() - t0

  t0 = p.now()
  await p.store.commit({ header, txSet: GENESIS_TX_SET, results: [], changes })
  const initialCommitMs = p.now() - t0

  const pick = () => bgKeys[(p.randomBytes(4).reduce((a, b) => a * 256 + b, 0) >>> 0) % bgKeys.length]!
  const ledgers: Uint8Array[][] = []
  for (let l = 0; l < o.ledgers; l++) {
    const txs = senders.map((s) => {
      const body: TxBody = {
        network: config.networkId,
        source: s.publicKey,
        seq: BigInt(l + 1),
        fee: config.minFeePerOp,
        minTimeMs: 0,
        maxTimeMs: 0,
        memo: new Uint8Array(0),
        ops: [{ type: 'payment', dest: pick(), amount: 1000n as Amount } as never],
      }
      return signTx(body, [s]).then(encodeTx)
    })
    ledgers.push(await Promise.all(txs))
  }

  const rows: {
    verifyOnlyMs: number
    checkMs: number
    applyMs: number
    applyCpuMs: number
    commitMs: number
  }[] = []
  let closeTime = config.genesisTimeMs
  for (const txs of ledgers) {
    const items = txs.map((b) => {
      const d = must(decodeTx(b, coreProtocol))
      return { publicKey: d.sigs[0]!.pk, message: txSigningHash(d.bodyBytes), signature: d.sigs[0]!.sig }
    })
    t0 = p.now()
    await p.verifier.verifyBatch(items)
    const verifyOnlyMs = p.now() - t0
    t0 = p.now()
    const checked = (await checkTxs(txs, coreProtocol, p.verifier)).map(must)
    const checkMs = p.now() - t0
    t0 = p.now()
    const c0 = p.cpu?.() ?? 0
    const set = makeTxSet(state.headerCid, checked)
    closeTime += 5000
    const r = must(applyLedger(state, set, { closeTimeMs: closeTime, signers: [], upgrades: [] }, env))
    const applyMs = p.now() - t0
    const applyCpuMs = (p.cpu?.() ?? 0) - c0
    if (!r.results.every((x) => x.ok)) throw new Error('a payment failed')
    t0 = p.now()
    await p.store.commit({ header: r.header, txSet: set.set, results: r.results, changes: r.changes })
    const commitMs = p.now() - t0
    state = r.state
    rows.push({ verifyOnlyMs, checkMs, applyMs, applyCpuMs, commitMs })
  }

  const steady = rows.slice(1)
  const sum = (f: (r: (typeof rows)[number]) => number) => steady.reduce((a, r) => a + f(r), 0)
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!
  const round = (x: number, d = 0) => Number(x.toFixed(d))
  return {
    backgroundAccounts: o.background,
    paymentsPerLedger: o.payments,
    ledgers: o.ledgers,
    buildStateMs: round(buildStateMs),
    initialCommitMs: round(initialCommitMs),
    perLedger: rows.map((r) => ({
      verifyOnlyMs: round(r.verifyOnlyMs),
      checkMs: round(r.checkMs),
      applyMs: round(r.applyMs),
      applyCpuMs: round(r.applyCpuMs),
      commitMs: round(r.commitMs),
      ratio: round(r.verifyOnlyMs / (r.checkMs + r.applyMs), 3),
    })),
    verifyPerS: round((steady.length * o.payments * 1000) / sum((r) => r.verifyOnlyMs)),
    paymentsVerifiedAndAppliedPerS: round(
      (steady.length * o.payments * 1000) / sum((r) => r.checkMs + r.applyMs),
    ),
    paymentsAppliedPerS: round((steady.length * o.payments * 1000) / sum((r) => r.applyMs)),
    ratio: round(sum((r) => r.verifyOnlyMs) / sum((r) => r.checkMs + r.applyMs), 3),
    medianLedgerRatio: round(median(steady.map((r) => r.verifyOnlyMs / (r.checkMs + r.applyMs))), 3),
    minApplyCpuMs: p.cpu ? round(Math.min(...steady.map((r) => r.applyCpuMs))) : undefined,
    meanCommitMs: round(sum((r) => r.commitMs) / steady.length),
  }
}
