// A one-line verdict on a quorum configuration for the node UI (shown before a quorum set
// change is saved): whether all quorums intersect and, if something is fragile, what. Cheap
// enough for a browser worker on networks of tens of nodes; larger ones end in a verdict
// saying the analysis did not finish, never in a hang.
import type { NodeId, QuorumSet } from '../scp/quorum-set.ts'
import { analyzeFbas } from './analyze.ts'
import { fbasFromQuorumSets } from './read.ts'

export interface QuorumHealth {
  readonly intersecting: boolean
  /** What is at risk, when something is: disjoint quorums, or a single node able to split or halt. */
  readonly atRisk?: string
  /** Size of the smallest set of nodes that can split the network, when there is one. */
  readonly minSplittingSet?: number
  /** Size of the smallest set of nodes whose crash halts the network. */
  readonly minBlockingSet?: number
}

/** Work limit for the UI check (about a second). */
export const HEALTH_MAX_STEPS = 1_000_000

const MAX_NAMED = 4

const showSet = (set: readonly number[], names: readonly string[]): string => {
  const shown = set.slice(0, MAX_NAMED).map((v) => names[v]!)
  return `{${shown.join(', ')}${set.length > MAX_NAMED ? `, +${set.length - MAX_NAMED}` : ''}}`
}

const nodes = (k: number): string => (k === 1 ? '1 node' : `${k} nodes`)

export const analyzeQuorumHealth = (known: ReadonlyMap<NodeId, QuorumSet>): QuorumHealth => {
  const fbas = fbasFromQuorumSets(known)
  if (!fbas.ok)
    return { intersecting: false, atRisk: `cannot analyse: ${fbas.error.message ?? fbas.error.code}` }
  const names = fbas.value.names
  const result = analyzeFbas(fbas.value, { maxSteps: HEALTH_MAX_STEPS })
  if (!result.ok) return { intersecting: false, atRisk: `analysis did not finish (${result.error.code})` }
  const a = result.value
  if (a.minimalQuorums.length === 0) {
    return { intersecting: false, atRisk: 'no quorum: these quorum sets can never be satisfied together' }
  }
  if (!a.intersection) {
    const qs = a.minimalQuorums
    const pair = qs
      .flatMap((x, i) => qs.slice(i + 1).map((y) => [x, y] as const))
      .find(([x, y]) => !x.some((v) => y.includes(v)))
    const [x, y] = pair ?? [qs[0]!, qs[0]!]
    return {
      intersecting: false,
      atRisk: `disjoint quorums ${showSet(x, names)} and ${showSet(y, names)} can decide differently`,
      minSplittingSet: 0,
      minBlockingSet: a.minimalBlockingSets[0]?.length ?? 0,
    }
  }
  const split = a.minimalSplittingSets[0]
  const block = a.minimalBlockingSets[0] ?? []
  const risks: string[] = []
  if (split !== undefined && split.length <= 1) {
    risks.push(`${nodes(split.length)} can split the network, e.g. ${showSet(split, names)}`)
  }
  if (block.length <= 1) risks.push(`${nodes(block.length)} can halt it, e.g. ${showSet(block, names)}`)
  return {
    intersecting: true,
    ...(risks.length > 0 ? { atRisk: risks.join('; ') } : {}),
    ...(split !== undefined ? { minSplittingSet: split.length } : {}),
    minBlockingSet: block.length,
  }
}
