// Replays a node's persisted history: from a starting state (genesis), each stored ledger's tx
// set is checked again (decode + signatures) and applied with its stored agreed facts (close
// time, close signers, upgrades); every recomputed header must equal the stored one, field for field. Crash tests and
// audits use it to show that a store's last closed ledger is exactly what its history leads to.
import type { Verifier } from '../crypto/signer.ts'
import { encode } from '../codec/dag-cbor.ts'
import { bytesEqual } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { applyLedger, type LedgerEnv } from './apply.ts'
import type { LedgerHeader } from './header.ts'
import type { LedgerState } from './state.ts'
import { checkTxSet, type TxSet } from './tx-set.ts'
import type { Upgrade } from './upgrade.ts'

export interface ReplayLedger {
  readonly header: LedgerHeader
  readonly txSet: TxSet
  readonly signers: readonly string[]
  /** Absent: none (records written before upgrades were kept). */
  readonly upgrades?: readonly Upgrade[]
}

export interface ReplayHooks {
  readonly verifier: Verifier
}

/** The first header field whose value differs, or undefined when the headers are equal. */
const differingField = (a: LedgerHeader, b: LedgerHeader): string | undefined =>
  (Object.keys(a) as (keyof LedgerHeader)[]).find((k) => {
    const x = a[k]
    const y = b[k]
    if (x instanceof Uint8Array && y instanceof Uint8Array) return !bytesEqual(x, y)
    if (x && y && typeof x === 'object') return !bytesEqual(encode(x), encode(y))
    return x !== y
  })

/** Applies `ledgers` (consecutive, oldest first) to `start`; the state after the last one. */
export const replayLedgers = async (
  start: LedgerState,
  ledgers: readonly ReplayLedger[],
  env: LedgerEnv,
  hooks: ReplayHooks,
): Promise<Result<LedgerState, WattError<'replay_mismatch'>>> => {
  let state = start
  for (const l of ledgers) {
    const seq = l.header.seq
    const set = await checkTxSet(l.txSet, env.protocol, hooks.verifier, Number.MAX_SAFE_INTEGER)
    if (!set.ok) return err(wattError('replay_mismatch', { seq, field: 'txSet', cause: set.error }))
    const info = { closeTimeMs: l.header.closeTimeMs, signers: l.signers, upgrades: l.upgrades ?? [] }
    const r = applyLedger(state, set.value, info, env)
    if (!r.ok) return err(wattError('replay_mismatch', { seq, field: 'apply', cause: r.error }))
    const field = differingField(l.header, r.value.header)
    if (field) return err(wattError('replay_mismatch', { seq, field }))
    state = r.value.state
  }
  return ok(state)
}
