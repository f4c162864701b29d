// The operation registry: one handler per operation type, each with a strict parser for wire data
// and a pure apply against a ledger draft; plus close steps that run when a ledger closes (the
// mining module adds its day-boundary reward step). Modules extend a network by building a
// Protocol from their handlers; the core loop in apply.ts never changes for them.
import type { Address } from '../../crypto/address.ts'
import type { Result, WattError } from '../../util/errors.ts'
import type { GenesisConfig } from '../config.ts'
import type { LedgerDraft } from '../draft.ts'
import type { ParseCode } from '../result-codes.ts'

/** A `type`-tagged operation as it appears in a transaction body. */
export interface Operation {
  readonly type: string
}

export interface OpContext {
  readonly source: Address
  /** Every account whose key signed the transaction (always includes the source). */
  readonly signers: ReadonlySet<Address>
  readonly txId: string
  readonly opIndex: number
}

/**
 * `C`: the operation's result codes, from its module's catalogue (a literal union), so that a
 * misspelt code in `apply` does not compile.
 */
export interface OpHandler<O extends Operation = Operation, C extends string = string> {
  readonly type: string
  /** Checks decoded wire data field by field (exact shape) and normalizes it; errors are `malformed`. */
  parse(raw: Readonly<Record<string, unknown>>): Result<O, WattError<ParseCode>>
  /**
   * Applies the operation to the draft, or returns the rejection. A rejected operation's changes
   * (and those of the transaction's other operations) are rolled back by the caller.
   */
  apply(draft: LedgerDraft, op: O, ctx: OpContext): WattError<C> | undefined
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds handlers of every op type
export type AnyOpHandler = OpHandler<any>

export interface CloseContext {
  readonly seq: number
  readonly closeTimeMs: number
  readonly dayIndex: number
  /** The day index of the previous ledger: a step that acts once per day compares the two. */
  readonly prevDayIndex: number
  readonly config: GenesisConfig
}

export interface CloseStep {
  readonly name: string
  /** Runs after the ledger's transactions; must be total and deterministic. */
  run(draft: LedgerDraft, ctx: CloseContext): void
}

export interface Protocol {
  readonly operations: ReadonlyMap<string, OpHandler>
  readonly closeSteps: readonly CloseStep[]
}

export const createProtocol = (parts: {
  operations: readonly AnyOpHandler[]
  closeSteps?: readonly CloseStep[]
}): Protocol => {
  const operations = new Map<string, OpHandler>()
  for (const h of parts.operations) {
    if (operations.has(h.type)) throw new Error(`operation type registered twice: ${h.type}`)
    operations.set(h.type, h)
  }
  const names = new Set<string>()
  for (const s of parts.closeSteps ?? []) {
    if (names.has(s.name)) throw new Error(`close step registered twice: ${s.name}`)
    names.add(s.name)
  }
  return { operations, closeSteps: [...(parts.closeSteps ?? [])] }
}
