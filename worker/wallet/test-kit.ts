// Test doubles for the wallet's Node tests: a structured-cloning in-memory key-value store, a fake
// RPC server, and an in-process `ledger` service that closes real ledgers (shared/ledger) on demand.
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../../shared/crypto/noble.ts'
import {
  applyLedger,
  checkTx,
  checkTxs,
  coreProtocol,
  type GenesisConfig,
  genesisState,
  makeGenesisConfig,
  makeTxSet,
  watt,
} from '../../shared/ledger/index.ts'
import { createRng } from '../../shared/util/prng.ts'
import { ok } from '../../shared/util/errors.ts'
import type { RpcServer } from '../rpc/server.ts'
import type { ClosedLedgerEvent, LedgerNodeApi, LedgerSummary } from '../node/ledger-node-api.ts'
import type { WalletKv } from './vault.ts'

export const memoryKv = (): WalletKv & { raw: Map<string, unknown> } => {
  const raw = new Map<string, unknown>()
  return {
    raw,
    get: async (k) => structuredClone(raw.get(k)),
    put: async (k, v) => {
      raw.set(k, structuredClone(v))
    },
  }
}

export const fakeRpc = () => {
  const handlers = new Map<string, (p: unknown) => unknown>()
  const events: Array<{ event: string; data: unknown }> = []
  const rpc: RpcServer = {
    register: (m, h) => {
      if (handlers.has(m)) throw new Error(`twice: ${m}`)
      handlers.set(m, h)
    },
    connect: () => {},
    broadcast: (event, data) => events.push({ event, data }),
    onAttach: () => {},
    clientCount: () => 0,
  }
  const call = async <T>(m: string, p?: unknown): Promise<T> => {
    const h = handlers.get(m)
    if (!h) throw new Error(`no method ${m}`)
    return (await h(p)) as T
  }
  return { rpc, call, events }
}

const key = (seed: number) => nobleSigner(createRng(seed).bytes(32))

/** A one-node devnet ledger: submit() queues, closeLedger() applies the queue as one ledger. */
export const fakeLedger = (opts: { faucet?: boolean } = {}) => {
  const faucetSecret = createRng(11).bytes(32)
  const faucetAddress = addressOf(nobleSigner(faucetSecret).publicKey)
  const base = makeGenesisConfig({
    networkId: 'wallet-test',
    genesisTimeMs: 1_800_000_000_000,
    reserveAddress: addressOf(key(10).publicKey),
    validators: [addressOf(key(12).publicKey)],
    closeIntervalMs: 1000,
    ...(opts.faucet === false ? {} : { faucet: { address: faucetAddress, amount: watt(1_000_000) } }),
  })
  const config: GenesisConfig = base
  const env = { config, protocol: coreProtocol }
  let state = genesisState(config).state
  let queue: Uint8Array[] = []
  const listeners = new Set<(e: ClosedLedgerEvent) => void>()
  const summaries: LedgerSummary[] = []
  const api: LedgerNodeApi & {
    closeLedger(advanceMs?: number): Promise<ClosedLedgerEvent>
    /** Forgets the queued transactions, as a mempool eviction would. */
    lose(): void
  } = {
    name: 'ledger',
    start: async () => {},
    stop: () => {},
    current: () => ({ state, hash: state.headerCid.toString(), header: state.header }),
    env: () => env,
    genesis: () => config,
    faucetSecret: () => (opts.faucet === false ? undefined : faucetSecret),
    async submit(bytes) {
      const r = await checkTx(bytes, coreProtocol, nobleVerifier)
      if (!r.ok) return r
      queue.push(bytes)
      return ok({ txId: r.value.id })
    },
    onClosed(l) {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    recent: async (limit) => summaries.slice(0, limit),
    lose: () => {
      queue = []
    },
    async closeLedger(advanceMs = 1000) {
      const checked = await checkTxs(queue, coreProtocol, nobleVerifier)
      queue = []
      const txSet = makeTxSet(
        state.headerCid,
        checked.flatMap((c) => (c.ok ? [c.value] : [])),
      )
      const r = applyLedger(state, txSet, { closeTimeMs: state.header.closeTimeMs + advanceMs }, env)
      if (!r.ok) throw new Error(r.error.code)
      state = r.value.state
      const hash = r.value.headerCid.toString()
      const e: ClosedLedgerEvent = {
        seq: r.value.header.seq,
        hash,
        header: r.value.header,
        txSet,
        results: r.value.results,
        state,
      }
      summaries.unshift({
        seq: e.seq,
        hash,
        closeTimeMs: e.header.closeTimeMs,
        txCount: txSet.txs.length,
        feePool: e.header.feePool.toString(),
      })
      summaries.splice(100)
      for (const l of listeners) l(e)
      return e
    },
  }
  return api
}
