// Test harness in the style of stellar-core's SCPTests: one node under test (v0) whose
// emitted envelopes, externalizations and timers are captured, fed hand-made signed envelopes
// from the other nodes of its quorum.
import assert from 'node:assert/strict'
import { compareBytes, utf8 } from '../../util/bytes.ts'
import {
  sha256Priority,
  linearTimeout,
  type ScpDriver,
  type TimerKind,
  type ValidationLevel,
} from '../driver.ts'
import { type Envelope, signingBytes } from '../envelope.ts'
import type { NodeId, QuorumSet } from '../quorum-set.ts'
import { type QuorumSetHash, quorumSetHash } from '../quorum-utils.ts'
import { createScp, type Scp } from '../scp.ts'
import type { PrepareStatement, Statement } from '../statement.ts'
import { type Ballot, ballot, type Value } from '../values.ts'
import { fakeSign, fakeVerify } from './fake-keys.ts'

export const NETWORK = utf8('scenario')
export const xValue = utf8('x-value')
export const yValue = utf8('y-value') // y > x bytewise
export const zValue = utf8('z-value')

export interface Scenario {
  readonly scp: Scp
  readonly ids: NodeId[]
  readonly qset: QuorumSet
  readonly qsetHash: QuorumSetHash
  readonly emitted: Envelope[]
  readonly externalized: Value[]
  readonly timers: Map<TimerKind, { ms: number; cb: () => void }>
  /** Per-value validation answers (default fullyValid). */
  readonly validity: Map<string, ValidationLevel>
  /** Node priority overrides for leader election per round (default: sha256). */
  priority: ((node: NodeId, round: number) => bigint) | null
  /** Statements emitted so far (after flushing signatures). */
  statements(): Promise<Statement[]>
  last(): Promise<Statement | undefined>
  /** Receives a statement from another node, signed with its fake key. */
  recv(st: Statement): Promise<string>
  fire(kind: TimerKind): Promise<void>
}

export const ids = (n: number): NodeId[] => Array.from({ length: n }, (_, i) => `v${i}` as NodeId)

export const signed = (st: Statement): Envelope => ({
  statement: st,
  signature: fakeSign(st.nodeId, signingBytes(NETWORK, st)),
})

export const makeScenario = (n: number, threshold: number, opts: { validator?: boolean } = {}): Scenario => {
  const nodes = ids(n)
  const qset: QuorumSet = { threshold, validators: nodes, innerSets: [] }
  const qsetHash = quorumSetHash(qset)
  const emitted: Envelope[] = []
  const externalized: Value[] = []
  const timers = new Map<TimerKind, { ms: number; cb: () => void }>()
  const validity = new Map<string, ValidationLevel>()
  const s = { priority: null } as { priority: ((node: NodeId, round: number) => bigint) | null }
  const driver: ScpDriver = {
    hashValue: sha256Priority.hashValue,
    hashNode: (slot, prev, isPriority, round, node) =>
      s.priority
        ? isPriority
          ? s.priority(node, round)
          : 0n
        : sha256Priority.hashNode(slot, prev, isPriority, round, node),
    sign: async (m) => fakeSign(nodes[0]!, m),
    verify: async (node, m, sig) => fakeVerify(node, m, sig),
    emit: (env) => emitted.push(env),
    validateValue: (_slot, v) => validity.get(new TextDecoder().decode(v)) ?? 'fullyValid',
    combineCandidates: (_slot, vs) => [...vs].sort(compareBytes).at(-1)!,
    extractValidValue: () => undefined,
    getQuorumSet: (h) => (h === qsetHash ? qset : undefined),
    setTimer: (_slot, kind, ms, cb) => timers.set(kind, { ms, cb }),
    cancelTimer: (_slot, kind) => timers.delete(kind),
    computeTimeout: linearTimeout({ initialMs: 1000, incrementMs: 1000, maxMs: 60_000 }),
    valueExternalized: (_slot, v) => externalized.push(v),
  }
  const scp = createScp({
    nodeId: nodes[0]!,
    quorumSet: qset,
    isValidator: opts.validator ?? true,
    networkId: NETWORK,
    driver,
  })
  return Object.assign(s, {
    scp,
    ids: nodes,
    qset,
    qsetHash,
    emitted,
    externalized,
    timers,
    validity,
    statements: async () => {
      await scp.flush()
      return emitted.map((e) => e.statement)
    },
    last: async () => {
      await scp.flush()
      return emitted.at(-1)?.statement
    },
    recv: async (st: Statement) => {
      const r = await scp.receiveEnvelope(signed(st))
      await scp.flush()
      return r.status === 'rejected' ? r.code : r.status
    },
    fire: async (kind: TimerKind) => {
      const t = timers.get(kind)
      if (t === undefined) throw new Error(`no ${kind} timer armed`)
      timers.delete(kind)
      t.cb()
      await scp.flush()
    },
  })
}

// Statement builders for slot 1.
export const prepare = (
  s: Scenario,
  node: NodeId,
  b: Ballot,
  o: { p?: Ballot; pp?: Ballot; nC?: number; nH?: number } = {},
): PrepareStatement => ({
  type: 'prepare',
  nodeId: node,
  slot: 1,
  quorumSetHash: s.qsetHash,
  ballot: b,
  prepared: o.p ?? null,
  preparedPrime: o.pp ?? null,
  nC: o.nC ?? 0,
  nH: o.nH ?? 0,
})

export const confirm = (
  s: Scenario,
  node: NodeId,
  b: Ballot,
  nPrepared: number,
  nCommit: number,
  nH: number,
) =>
  ({
    type: 'confirm',
    nodeId: node,
    slot: 1,
    quorumSetHash: s.qsetHash,
    ballot: b,
    nPrepared,
    nCommit,
    nH,
  }) as const

export const externalize = (s: Scenario, node: NodeId, commit: Ballot, nH: number) =>
  ({ type: 'externalize', nodeId: node, slot: 1, commit, nH, commitQuorumSetHash: s.qsetHash }) as const

export const nominate = (s: Scenario, node: NodeId, votes: Value[], accepted: Value[] = []) =>
  ({
    type: 'nominate',
    nodeId: node,
    slot: 1,
    quorumSetHash: s.qsetHash,
    votes: [...votes].sort(compareBytes),
    accepted: [...accepted].sort(compareBytes),
  }) as const

/** v0 is round leader, nominates x; v1..v3 vote and accept x, so x becomes the composite. */
export const startOnX = async (s: Scenario) => {
  s.priority = (n) => (n === 'v0' ? 100n : 1n)
  assert.equal(s.scp.nominate(1, xValue, new Uint8Array()), true)
  for (const v of s.ids.slice(1, 4)) await s.recv(nominate(s, v, [xValue]))
  for (const v of s.ids.slice(1, 4)) await s.recv(nominate(s, v, [xValue], [xValue]))
  assert.deepEqual(await s.last(), prepare(s, s.ids[0]!, ballot(1, xValue)))
}

export { ballot }
