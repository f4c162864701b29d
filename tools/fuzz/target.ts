// A fuzz target: one decoder or guard that peer input (or a tab's RPC call) reaches, driven the way
// the product drives it. Adding a module's decoder to `npm run fuzz` is one `Target` in the list in
// targets.ts: its name, valid inputs built with the project's own encoders (the seed corpus, which
// the harness mutates), an arbitrary for structured random inputs, and the path to run.
import * as fc from 'fast-check'
import type { Vocabulary } from './data.ts'

/**
 * What the input is. `bytes`: wire bytes; seeds are byte-mutated, and when `cbor` is set also
 * decoded, mutated as data and re-encoded. `json`: a parsed JSON document (from the relay, a file).
 * `clone`: a structured-clone message (a tab's RPC call, a MessagePort). Data seeds are mutated as trees.
 */
export type TargetKind = 'bytes' | 'json' | 'clone'

export interface Target<I = unknown> {
  readonly name: string
  /** Where this input comes from and what the run does with it (one line, for docs and --list). */
  readonly about: string
  readonly kind: TargetKind
  /** For `bytes` targets: the seeds are DAG-CBOR, so data-level mutations apply too. */
  readonly cbor?: boolean
  /** Valid inputs made by the project's encoders; built once per run (may sign). */
  readonly seeds: () => Promise<readonly I[]> | readonly I[]
  /** Field names and strings its messages use: they steer random maps and data mutations. */
  readonly vocabulary?: Vocabulary
  /** Structured random inputs (fast-check). */
  readonly arbitrary: fc.Arbitrary<I>
  /**
   * The product path the input takes. It must return (any value: a Result, undefined, a boolean);
   * a thrown exception or a rejected promise is a crash unless `typed` accepts it.
   */
  run(input: I): unknown
  /** Thrown values that are this target's typed rejections (e.g. `WattFailure` from a reader that throws by design). */
  readonly typed?: (e: unknown) => boolean
  /** CPU time one input may take, ms (default DEFAULT_BOUND_MS). */
  readonly boundMs?: number
  /** Relative share of the run's inputs (default 1): heavier targets get fewer. */
  readonly weight?: number
}

export const DEFAULT_BOUND_MS = 50

/** A broken promise the product made about accepted input (e.g. an accepted quorum set that is not sane). */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation'
}

/** Throws a ContractViolation unless `ok`: for checks on what a guard accepted. */
export const expect = (ok: boolean, what: string): void => {
  if (!ok) throw new ContractViolation(what)
}

/** A bytes target that only decodes (an answer a node reads back): its seeds, mutated, and random bytes. */
export const decoderTarget = (
  t: Pick<Target<Uint8Array>, 'name' | 'about' | 'seeds' | 'vocabulary'> & {
    readonly decode: (bytes: Uint8Array) => unknown
    readonly maxLength: number
  },
): Target<Uint8Array> => ({
  name: t.name,
  about: t.about,
  kind: 'bytes',
  cbor: true,
  seeds: t.seeds,
  ...(t.vocabulary ? { vocabulary: t.vocabulary } : {}),
  arbitrary: fc.uint8Array({ maxLength: t.maxLength }),
  run: (bytes) => t.decode(bytes),
})
