// A test double of the `ledger` service for the Node tests of the services built on it (wallet,
// mining): one in-process node whose submit() queues and whose close() applies the queue as one
// real ledger (shared/ledger), at a chosen close time. `nextSeq` reads the queue as the real
// service reads its mempool.
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../../shared/crypto/noble.ts'
import {
  type Amount,
  applyLedger,
  checkTx,
  checkTxs,
  coreProtocol,
  genesisState,
  getAccount,
  makeGenesisConfig,
  makeTxSet,
  type Operation,
  type Protocol,
  type TxResult,
  watt,
} from '../../shared/ledger/index.ts'
import { body, keyOf, signed } from '../../shared/ledger/test/fixtures.ts'
import { ok } from '../../shared/util/errors.ts'
import { createRng } from '../../shared/util/prng.ts'
import type { ClosedLedgerEvent, LedgerNodeApi, LedgerSummary } from './ledger-node-api.ts'

export interface TestLedgerOptions {
  readonly networkId?: string
  readonly protocol?: Protocol
  readonly genesisTimeMs?: number
  readonly dayLengthMs?: number
  /** A devnet faucet (the default) whose secret the service hands out. */
  readonly faucet?: boolean
  /** Module parameters for the genesis config (`{ mining: { seedAccounts: ... } }`). */
  readonly params?: Readonly<Record<string, unknown>>
}

const key = (seed: number) => nobleSigner(createRng(seed).bytes(32))

export const testLedger = (o: TestLedgerOptions = {}) => {
  const faucetSecret = createRng(11).bytes(32)
  const faucet = nobleSigner(faucetSecret)
  const config = makeGenesisConfig({
    networkId: o.networkId ?? 'service-test',
    genesisTimeMs: o.genesisTimeMs ?? 1_800_000_000_000,
    reserveAddress: addressOf(key(10).publicKey),
    validators: [addressOf(key(12).publicKey)],
    closeIntervalMs: 1000,
    ...(o.dayLengthMs ? { dayLengthMs: o.dayLengthMs } : {}),
    faucet: { address: addressOf(faucet.publicKey), amount: watt(1_000_000) },
    ...(o.params ? { params: o.params } : {}),
  })
  const env = { config, protocol: o.protocol ?? coreProtocol }
  let state = genesisState(config, env.protocol).state
  let queue: Array<{ bytes: Uint8Array; source: string; seq: bigint }> = []
  let faucetSeq = 0n
  const listeners = new Set<(e: ClosedLedgerEvent) => void>()
  const summaries: LedgerSummary[] = []

  const submit = async (bytes: Uint8Array) => {
    const r = await checkTx(bytes, env.protocol, nobleVerifier)
    if (!r.ok) return r
    queue.push({ bytes, source: r.value.source, seq: r.value.tx.body.seq })
    return ok({ txId: r.value.id as string })
  }
  const closeAt = async (atMs: number): Promise<ClosedLedgerEvent> => {
    const checked = await checkTxs(
      queue.map((q) => q.bytes),
      env.protocol,
      nobleVerifier,
    )
    queue = []
    const txSet = makeTxSet(
      state.headerCid,
      checked.flatMap((c) => (c.ok ? [c.value] : [])),
    )
    const info = { closeTimeMs: atMs, signers: [], upgrades: [] }
    const r = applyLedger(state, txSet, info, env)
    if (!r.ok) throw new Error(r.error.code)
    state = r.value.state
    const { header, results } = r.value
    const hash = String(r.value.headerCid)
    summaries.unshift({
      seq: header.seq,
      hash,
      closeTimeMs: atMs,
      txCount: txSet.txs.length,
      feePool: String(header.feePool),
    })
    summaries.splice(100)
    const e: ClosedLedgerEvent = { seq: header.seq, hash, header, txSet, results, state, info }
    for (const l of listeners) l(e)
    return e
  }

  const api = {
    name: 'ledger' as const,
    start: async () => {},
    stop: () => {},
    current: () => ({ state, hash: String(state.headerCid), header: state.header }),
    env: () => env,
    genesis: () => config,
    faucetSecret: () => (o.faucet === false ? undefined : faucetSecret),
    submit,
    nextSeq(source: string) {
      let seq = getAccount(state, source as never)?.seq ?? 0n
      for (const q of queue) if (q.source === source && q.seq > seq) seq = q.seq
      return seq + 1n
    },
    onClosed(l: (e: ClosedLedgerEvent) => void) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    recent: async (limit: number) => summaries.slice(0, limit),
    /** Forgets the queued transactions, as a mempool eviction would. */
    lose() {
      queue = []
    },
    /** Queues a faucet payment creating `to`'s account. */
    async fund(to: Uint8Array, amount: Amount = watt(10)) {
      const op = { type: 'createAccount', dest: to, amount } as unknown as Operation
      const from = keyOf(faucet)
      await submit(await signed(from, body(from, ++faucetSeq, [op], { network: config.networkId })))
    },
    /** Applies the queue as one ledger closed at `atMs`. */
    closeAt,
    /** Closes one ledger `advanceMs` after the last. */
    closeLedger: (advanceMs = 1000) => closeAt(state.header.closeTimeMs + advanceMs),
    /** Closes at `atMs` and returns the results. */
    close: async (atMs: number): Promise<readonly TxResult[]> => (await closeAt(atMs)).results,
  }
  return api satisfies LedgerNodeApi
}
