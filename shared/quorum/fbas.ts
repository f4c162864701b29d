// The federated Byzantine agreement system (FBAS) the analyses work on: nodes numbered
// 0..n-1 (their position in the input), each with a quorum set over those numbers.
import { WattFailure, wattError, type WattError } from '../util/errors.ts'
import { Bits } from './bitset.ts'

/** A quorum set over node numbers. Validators may repeat (each occurrence counts, as in stellar-core). */
export interface IndexQuorumSet {
  readonly threshold: number
  readonly validators: readonly number[]
  readonly inner: readonly IndexQuorumSet[]
}

export interface Fbas {
  /** Printable name of each node (public key or NodeId), by number. */
  readonly names: readonly string[]
  readonly qsets: readonly IndexQuorumSet[]
  /** Every node named anywhere in each node's quorum set. */
  readonly trusts: readonly Bits[]
}

export type QuorumErrorCode = 'bad_input' | 'too_large'
export type QuorumError = WattError<QuorumErrorCode>

/** Input size limits: beyond these the input is refused, not analysed. */
export const FBAS_LIMITS = { maxNodes: 5000, maxDepth: 8, maxEntriesPerSet: 5000 } as const

/** A node without a quorum set can never be satisfied (threshold 1 over nothing). */
export const UNSATISFIABLE: IndexQuorumSet = { threshold: 1, validators: [], inner: [] }

const collect = (q: IndexQuorumSet, into: Bits): void => {
  for (const v of q.validators) into.add(v)
  for (const i of q.inner) collect(i, into)
}

export const buildFbas = (names: readonly string[], qsets: readonly IndexQuorumSet[]): Fbas => ({
  names,
  qsets,
  trusts: qsets.map((q) => {
    const b = new Bits(names.length)
    collect(q, b)
    return b
  }),
})

/** Whether the nodes in `present` contain a slice of `q`. */
export const isSatisfied = (q: IndexQuorumSet, present: Bits): boolean => {
  let need = q.threshold
  if (need <= 0) return true
  for (const v of q.validators) if (present.has(v) && --need === 0) return true
  for (const i of q.inner) if (isSatisfied(i, present) && --need === 0) return true
  return false
}

/**
 * A cap on search work. Every analysis step spends from it; running out throws a typed
 * `too_large` failure so a pathological input ends with a clear error instead of hanging.
 */
export class Budget {
  private left: number
  readonly limit: number
  constructor(limit: number) {
    this.limit = limit
    this.left = limit
  }
  spend(units: number, what: string): void {
    this.left -= units
    if (this.left < 0) {
      throw new WattFailure(
        wattError('too_large', {
          what,
          limit: this.limit,
          message: `${what}: search exceeded ${this.limit} steps`,
        }),
      )
    }
  }
}
