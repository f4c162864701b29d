// What a protocol module plugs into the ledger: operation handlers (a strict parser for wire data
// and a pure apply against a ledger draft) and close steps that run when a ledger closes. Both
// get their module's parameters in force through their context; close steps also get the facts
// consensus agreed on (signers, upgrades). Modules are composed into a Protocol once
// (module.ts); the core loop in apply.ts never changes for them.
import type { Address } from '../../crypto/address.ts'
import type { Result, WattError } from '../../util/errors.ts'
import type { GenesisConfig } from '../config.ts'
import type { LedgerDraft } from '../draft.ts'
import type { ParseCode } from '../result-codes.ts'
import type { Upgrade } from '../upgrade.ts'

/** A `type`-tagged operation as it appears in a transaction body. */
export interface Operation {
  readonly type: string
}

export interface OpContext<P = unknown> {
  readonly source: Address
  /** Every account whose key signed the transaction (always includes the source). */
  readonly signers: ReadonlySet<Address>
  readonly txId: string
  readonly opIndex: number
  /** The parameters of the operation's module in force for this ledger. */
  readonly params: P
}

/** `C`: the result codes the operation may return (its module's catalogue). */
export interface OpHandler<O extends Operation = Operation, P = unknown, C extends string = string> {
  readonly type: string
  /**
   * May travel in a transaction that pays no fee (W8: a fee is needed only under surge pricing);
   * the core module's `freeTxsPerLedger` bounds such transactions per ledger.
   */
  readonly feeless?: boolean
  /** A fee-free transaction from a key with no account opens it when it carries this operation. */
  readonly opensAccount?: boolean
  /** Checks decoded wire data field by field (exact shape) and normalizes it; errors are `malformed`. */
  parse(raw: Readonly<Record<string, unknown>>): Result<O, WattError<ParseCode>>
  /**
   * Applies the operation to the draft, or returns the rejection. A rejected operation's changes
   * (and those of the transaction's other operations) are rolled back by the caller.
   */
  apply(draft: LedgerDraft, op: O, ctx: OpContext<P>): WattError<C> | undefined
}

// biome-ignore lint/suspicious/noExplicitAny: a list holds handlers of every op type
export type AnyOpHandler = OpHandler<any, any>

/** A module's figures for one ledger, recorded in the header (`moduleTotals.<module>`). */
export type ModuleTotals = Readonly<Record<string, bigint>>

export interface CloseContext<P = unknown> {
  readonly seq: number
  readonly closeTimeMs: number
  readonly dayIndex: number
  /** The day index of the previous ledger: a step that acts once per day compares the two. */
  readonly prevDayIndex: number
  readonly config: GenesisConfig
  /** The validators whose EXTERNALIZE of the previous ledger the agreed value names (sorted). */
  readonly signers: readonly Address[]
  /** The upgrades agreed for this ledger; they take effect after the close steps. */
  readonly upgrades: readonly Upgrade[]
  /** The validator set in force for this ledger (as the previous ledger left it). */
  readonly validators: readonly Address[]
  readonly protocolVersion: number
  /** The step's module's parameters in force for this ledger. */
  readonly params: P
}

export interface CloseStep<P = unknown> {
  readonly name: string
  /**
   * Runs after the ledger's transactions; must be total and deterministic. What it returns
   * becomes (merged with the module's other steps) the module's totals in the header.
   */
  run(draft: LedgerDraft, ctx: CloseContext<P>): ModuleTotals | undefined
}
