// One call from options to a checked run of the real protocol: builds identities, the
// topology and quorum sets, genesis and the protocol composed from the network's module list
// (or a test's), the workload, Byzantine nodes and the fault plan, all from one seed, then runs
// the simulation. The CLI, the tests and the benchmark all go through here.
import { addressOf } from '../crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../crypto/noble.ts'
import type { ConsensusNode } from '../node/consensus-node.ts'
import { makeGenesisConfig } from '../ledger/config.ts'
import { GENESIS_TX_SET, genesisState } from '../ledger/genesis.ts'
import { type AnyModule, composeProtocol } from '../ledger/module.ts'
import type { LedgerState } from '../ledger/state.ts'
import { defaultParams, NETWORK_MODULES } from '../node/protocol.ts'
import type { NodeId, QuorumSet } from '../scp/index.ts'
import { utf8 } from '../util/bytes.ts'
import { createRng } from '../util/prng.ts'
import type { ByzantineKind } from './byzantine.ts'
import type { DayExport } from './day-export.ts'
import { DayRecorder } from './day-recorder.ts'
import { Simulation, type SimResult } from './engine.ts'
import { type FaultSpec, NO_FAULTS, type PlannedFault, planFaults } from './faults.ts'
import { HEALTHY_LINKS } from './network.ts'
import { type HerderWorld, herderNodeFactory } from './herder-node.ts'
import { simSigner, simVerifier } from './sim-crypto.ts'
import { makeTopology, type TopologyKind } from './topology.ts'
import { corruptGossip } from './corrupt.ts'
import { forgeFalseSigners } from './false-signers.ts'
import { MarketChecker } from './market-checkers.ts'
import type { MarketPlan } from './market-plan.ts'
import { SIM_MARKET } from './market-plan.ts'
import { type MarketReport, MarketWorkload } from './market-workload.ts'
import { TxSender } from './tx-sender.ts'
import { Workload } from './workload.ts'
import { marketParams } from '../market/params.ts'

/** How validators sign: the fast stand-in of sim-crypto.ts, or real Ed25519 (@noble, slow). */
export type SignatureKind = 'fast' | 'ed25519'

/** Test-only mutations of the protocol's inputs, to prove the checkers catch real bugs. */
export type Mutation = 'none' | 'quorum-threshold-minus-one'

export interface ScenarioOptions {
  readonly seed: number
  readonly validators: number
  readonly ledgers: number
  readonly topology: TopologyKind
  readonly coreSize: number
  readonly faults: FaultSpec
  readonly byzantine: number
  readonly byzantineKind: ByzantineKind
  readonly accounts: number
  readonly tps: number
  /** Bytes of junk proof part each payment carries (large transactions; workload.ts). */
  readonly bulkBytes?: number
  readonly mining: boolean
  readonly closeIntervalMs: number
  readonly dayLengthMs: number
  readonly livenessBoundMs: number
  readonly mutation: Mutation
  readonly signatures: SignatureKind
  /** A storage market to play (market-workload.ts), under the market parameters of market-plan.ts. */
  readonly market?: MarketPlan
  /** The protocol's modules (default: the network's list); a test adds its own module here. */
  readonly modules?: readonly AnyModule[]
  readonly onProgress?: (p: { virtualMs: number; ledgers: number; messages: number }) => void
}

export const DEFAULT_SCENARIO: ScenarioOptions = {
  seed: 1,
  validators: 7,
  ledgers: 20,
  topology: 'core',
  coreSize: 7,
  faults: NO_FAULTS,
  byzantine: 0,
  byzantineKind: 'equivocate',
  accounts: 0,
  tps: 0,
  mining: true,
  closeIntervalMs: 1000,
  dayLengthMs: 60_000,
  livenessBoundMs: 30_000,
  mutation: 'none',
  signatures: 'fast',
}

export interface ScenarioResult extends SimResult {
  readonly seed: number
  readonly validators: number
  readonly plan: readonly PlannedFault[]
  readonly byzantineNodes: readonly number[]
  readonly txsGenerated: number
  /** The reference node's last header: coins issued so far, fee pool, day. */
  readonly totalCoins: bigint
  readonly feePool: bigint
  readonly dayIndex: number
  /** Exports of the last finished days (at most 8), by day. */
  readonly dayExports: ReadonlyMap<number, DayExport>
  /** The reference node's last closed state (what its modules left in the ledger). */
  readonly finalState: LedgerState
  /** The herder counters of the honest nodes running at the end, summed by code. */
  readonly honestCounters: Readonly<Record<string, number>>
  /** The validator a 'false-signers' proposer credits (in the set, never signing). */
  readonly ghost?: string
  /** What the market workload did (with `market`). */
  readonly market?: MarketReport
}

/** Sums the counters of the honest herders still running. */
const sumCounters = (nodes: ReadonlyMap<number, ConsensusNode>, byzantine: ReadonlyMap<number, unknown>) => {
  const sum: Record<string, number> = {}
  for (const [i, node] of nodes) {
    if (byzantine.has(i)) continue
    for (const [code, n] of Object.entries(node.status().counters)) sum[code] = (sum[code] ?? 0) + n
  }
  return sum
}

const lowerThresholds = (q: QuorumSet): QuorumSet => ({
  threshold: Math.max(1, q.threshold - 1),
  validators: q.validators,
  innerSets: q.innerSets.map(lowerThresholds),
})

/** dependencies[j]: the nodes whose statements node j needs (the peers lists, inverted). */
const invert = (peers: readonly (readonly number[])[]): number[][] => {
  const out: number[][] = peers.map(() => [])
  peers.forEach((list, i) => {
    for (const j of list) out[j]!.push(i)
  })
  return out
}

/** The run's signature scheme: the fast stand-in (sim-crypto.ts) or real Ed25519. */
const keyScheme = (kind: SignatureKind) =>
  kind === 'ed25519'
    ? { signer: (secret: Uint8Array) => nobleSigner(secret), verifier: nobleVerifier }
    : { signer: (secret: Uint8Array) => simSigner(secret), verifier: simVerifier }

export const runScenario = async (o: ScenarioOptions): Promise<ScenarioResult> => {
  const rng = createRng(o.seed)
  const n = o.validators
  const scheme = keyScheme(o.signatures)
  const signers = Array.from({ length: n }, () => scheme.signer(rng.bytes(32)))
  const nodeIds = signers.map((s) => addressOf(s.publicKey) as string as NodeId)
  const topology = makeTopology(o.topology, nodeIds, rng.fork(1), o.coreSize)
  const quorumSets = topology.quorumSets.map((q) =>
    o.mutation === 'quorum-threshold-minus-one' ? lowerThresholds(q) : q,
  )
  const faucet = scheme.signer(rng.bytes(32))
  // a false-signers proposer names a validator that is in the set and never runs
  const ghost =
    o.byzantineKind === 'false-signers' ? addressOf(scheme.signer(rng.bytes(32)).publicKey) : undefined
  const modules = o.modules ?? NETWORK_MODULES
  const config = makeGenesisConfig({
    networkId: 'watt-sim',
    genesisTimeMs: 1_800_000_000_000,
    reserveAddress: addressOf(rng.bytes(32)),
    validators: [...signers.map((s) => addressOf(s.publicKey)), ...(ghost ? [ghost] : [])],
    closeIntervalMs: o.closeIntervalMs,
    dayLengthMs: o.dayLengthMs,
    faucet: { address: addressOf(faucet.publicKey), amount: 100_000_000_000_000n as never },
    params: {
      ...defaultParams(modules),
      ...(o.market ? { market: marketParams.toJson(SIM_MARKET) } : {}),
    },
  })
  // `mining` generates the mining workload and records days; the protocol is the whole list either way
  const days = o.mining ? new DayRecorder(config.networkId) : undefined
  const protocol = composeProtocol(days ? days.recordingDays(modules) : modules)
  const born = genesisState(config, protocol)
  const genesis = born.state
  const mempools = new Map<number, ConsensusNode>()
  const sender = new TxSender(
    config,
    protocol,
    {
      ...scheme,
      // with large transactions each goes to one node, as a client submits to its own, and
      // travels by gossip: mempools differ and tx sets must be fetched
      submit: (bytes) => {
        const all = [...mempools.values()]
        const to = o.bulkBytes ? [all[bytes[bytes.length - 1]! % all.length]!] : all
        return Promise.all(to.map((m) => m.receive('tx', bytes, 'workload')))
      },
    },
    genesis,
  )
  const workload =
    o.accounts > 0
      ? new Workload(
          rng.fork(2),
          {
            accounts: o.accounts,
            tps: o.tps,
            checkInPpm: 800_000,
            mining: o.mining,
            ...(o.bulkBytes ? { bulkBytes: o.bulkBytes } : {}),
          },
          faucet,
          sender,
        )
      : undefined
  // made after the fault plan (its own fork of the seed), so runs without a market keep their seeds
  let market: MarketWorkload | undefined
  const byzRng = rng.fork(3)
  const byzantine = new Map<number, ByzantineKind>()
  const pool = [...topology.core]
  while (byzantine.size < Math.min(o.byzantine, pool.length)) {
    const i = pool.splice(byzRng.int(pool.length), 1)[0]!
    byzantine.set(i, o.byzantineKind)
  }
  const honest = nodeIds.map((_, i) => i).filter((i) => !byzantine.has(i))
  const reference = { state: genesis }
  const world: HerderWorld = {
    env: { config, protocol },
    genesis,
    genesisRecord: {
      header: genesis.header,
      txSet: GENESIS_TX_SET,
      results: [],
      changes: born.changes,
    },
    networkId: utf8(config.networkId),
    nodeIds,
    signers,
    verifier: scheme.verifier,
    quorumSets,
    dependencies: invert(topology.peers),
    timeouts: { initialMs: o.closeIntervalMs, incrementMs: o.closeIntervalMs, maxMs: 30 * o.closeIntervalMs },
    rebroadcastMs: 2 * o.closeIntervalMs,
    referenceNode: honest[0] ?? 0,
    reference,
    days,
    observe: (closed, nowMs) => {
      sender.observe(closed.state, nowMs)
      workload?.observe(closed.state)
      market?.observe(closed)
    },
    mempools,
  }
  const sim = new Simulation({
    seed: o.seed,
    topology,
    factory: herderNodeFactory(world),
    links: HEALTHY_LINKS,
    byzantine,
    corrupt: corruptGossip,
    ...(ghost
      ? {
          forge: forgeFalseSigners({ signers, networkId: world.networkId, ghost: ghost as string as NodeId }),
          neverSign: new Set([ghost as string]),
        }
      : {}),
    livenessBoundMs: o.livenessBoundMs,
    market: new MarketChecker(),
  })
  const plan = planFaults(sim, HEALTHY_LINKS, o.faults, rng.fork(4), honest)
  const every = 100
  const ticker = (tick: (nowMs: number) => Promise<void>) => {
    const run = async () => {
      sim.queue.schedule(every, run)
      await tick(sim.queue.now)
    }
    sim.queue.schedule(0, run)
  }
  if (workload) ticker((now) => workload.tick(now, every))
  if (o.market) {
    const m = new MarketWorkload(rng.fork(5), o.market, faucet, sender)
    market = m
    ticker((now) => m.tick(now))
  }
  const maxVirtualMs = o.faults.windowMs + (o.ledgers + 5) * o.closeIntervalMs * 20 + o.livenessBoundMs
  const r = await sim.run({
    targetLedgers: o.ledgers + 1,
    maxVirtualMs,
    progressEveryEvents: 10_000,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  })
  return {
    ...r,
    ledgers: Math.max(0, r.ledgers - 1),
    seed: o.seed,
    validators: n,
    plan,
    byzantineNodes: [...byzantine.keys()],
    txsGenerated: workload?.generated ?? 0,
    totalCoins: reference.state.header.totalCoins,
    feePool: reference.state.header.feePool,
    dayIndex: reference.state.header.dayIndex,
    dayExports: days?.exports ?? new Map(),
    finalState: reference.state,
    honestCounters: sumCounters(mempools, byzantine),
    ...(ghost ? { ghost } : {}),
    ...(market ? { market: market.report() } : {}),
  }
}
