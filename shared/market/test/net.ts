// A small market network for tests: one ledger chain with the network's modules, the market's
// parameters shrunk (2-8 KiB sectors, 2 layers, 4-ledger periods) so real seal and window proofs
// take milliseconds, funded accounts and per-account sequence numbers. Another module's tests
// (retrieval) add their module and its parameters and probe their own data the same way.
import assert from 'node:assert/strict'
import { cidOf } from '../../codec/dag-cbor.ts'
import type { Amount } from '../../ledger/amount.ts'
import { trieLeaves } from '../../ledger/trie.ts'
import { applyLedger, type ClosedLedger, type LedgerEnv, type TxResult } from '../../ledger/apply.ts'
import type { Operation } from '../../ledger/operations/registry.ts'
import type { LedgerState } from '../../ledger/state.ts'
import {
  body,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  signed,
  type TestKey,
  testConfig,
} from '../../ledger/test/fixtures.ts'
import { nodeVerifier } from '../../ledger/test/node-ed25519.ts'
import { checkTxs, makeTxSet } from '../../ledger/tx-set.ts'
import { type AnyModule, composeProtocol, coreModule } from '../../ledger/index.ts'
import { miningModule } from '../../mining/module.ts'
import { marketModule } from '../module.ts'
import { type MarketParams, marketParams } from '../params.ts'
import { SMALL_MARKET } from './small-market.ts'

/** Every entry of a module's data in a state, by key (the values' CIDs). */
export const moduleData = (s: LedgerState, module: string): Map<string, string> => {
  const out = new Map<string, string>()
  for (const leaf of trieLeaves(s.tree))
    if (leaf.key.startsWith(`d/${module}/`)) out.set(leaf.key, cidOf(leaf.value).toString())
  return out
}

/** Every market entry of a state, by key (the values' CIDs). */
export const marketData = (s: LedgerState): Map<string, string> => moduleData(s, 'market')

/** Modules composed after the market, and their genesis parameters (JSON form, by module name). */
export interface MoreModules {
  readonly modules?: readonly AnyModule[]
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>
}

export class MarketNet {
  state: LedgerState
  readonly env: LedgerEnv
  readonly params: MarketParams
  readonly ledgers: ClosedLedger[] = []
  private t = GENESIS_TIME
  private readonly seqs = new Map<string, bigint>()
  private readonly genesisHash: Uint8Array

  constructor(over: Partial<typeof SMALL_MARKET> = {}, more: MoreModules = {}) {
    const json = { ...SMALL_MARKET, ...over }
    const parsed = marketParams.parse(json)
    assert.ok(parsed.ok, JSON.stringify(parsed))
    this.params = parsed.value
    const params = { market: json, ...more.params }
    const config = testConfig({ params, ledgerCapacityOps: 1000 })
    // the network's module list, spelled out: shared/node composes the market, so importing it here
    // would make a folder cycle (tools/lint/edges.test.ts)
    const modules = [coreModule, miningModule, marketModule, ...(more.modules ?? [])]
    this.env = { config, protocol: composeProtocol(modules) }
    this.state = genesis(config, this.env.protocol)
    this.genesisHash = this.state.headerCid.bytes
  }

  /** The header hash (CID bytes) of ledger `seq`: the ledger randomness the market draws on. */
  hashOf(seq: number): Uint8Array {
    return seq === 1 ? this.genesisHash : this.ledgers[seq - 2]!.headerCid.bytes
  }

  get seq(): number {
    return this.state.header.seq
  }

  /** Closes one ledger with one transaction per entry; returns each transaction's result. */
  async close(txs: readonly [TestKey, Operation[]][] = []): Promise<TxResult[]> {
    const encoded: Uint8Array[] = []
    for (const [key, ops] of txs) {
      const seq = (this.seqs.get(key.address) ?? 0n) + 1n
      encoded.push(await signed(key, body(key, seq, ops)))
      this.seqs.set(key.address, seq)
    }
    const checked = (await checkTxs(encoded, this.env.protocol, nodeVerifier)).map((c) =>
      c.ok
        ? c.value
        : assert.fail(
            `${c.error.code} ${JSON.stringify(c.error)} in ${txs.map(([, o]) => o.map((x) => x.type)).join()}`,
          ),
    )
    const set = makeTxSet(this.state.headerCid, checked)
    this.t += 1000
    const r = applyLedger(this.state, set, { closeTimeMs: this.t, signers: [], upgrades: [] }, this.env)
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
    const byId = new Map(r.value.results.map((x) => [x.tx, x]))
    const results = checked.map((c) => byId.get(c.id)!)
    // a transaction refused at the gate (no fee charged) did not consume its sequence number
    results.forEach((res, i) => {
      const a = txs[i]![0].address
      if (res.fee === 0n) this.seqs.set(a, this.seqs.get(a)! - 1n)
    })
    this.state = r.value.state
    this.ledgers.push(r.value)
    return results
  }

  /**
   * Applies one operation and checks that it changed no data of `module`: the ledger closed with
   * it and the same ledger closed empty (same close steps, same randomness) differ only in the
   * source's fee and sequence, when it is refused. Returns its code.
   */
  async probe(key: TestKey, op: Record<string, unknown>, module = 'market'): Promise<string> {
    const before = this.state
    const empty = applyLedger(
      before,
      makeTxSet(before.headerCid, []),
      { closeTimeMs: this.t + 1000, signers: [], upgrades: [] },
      this.env,
    )
    assert.ok(empty.ok)
    const code = await this.op(key, op)
    if (code === '') return code
    const got = moduleData(this.state, module)
    const want = moduleData(empty.value.state, module)
    const diff = [...new Set([...got.keys(), ...want.keys()])].filter((k) => got.get(k) !== want.get(k))
    assert.deepEqual(diff, [], `${String(op.type)} refused with ${code} but changed ${module} data`)
    return code
  }

  /** One operation by one account in its own ledger; the result code ('' when it applied). */
  async op(key: TestKey, op: Record<string, unknown>): Promise<string> {
    const [r] = await this.close([[key, [op as unknown as Operation]]])
    return r!.ok ? '' : r!.code!
  }

  async closeUntil(seq: number): Promise<void> {
    while (this.seq < seq) await this.close()
  }

  /** Funds accounts from the faucet in one ledger. */
  async fund(keys: readonly TestKey[], amount: Amount): Promise<void> {
    const res = await this.close([[FAUCET, keys.map((k) => create(k, amount))]])
    assert.ok(res.every((r) => r.ok))
  }
}
