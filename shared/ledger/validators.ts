// The validator set is ledger state (`core/validators`): genesis seeds it from the config's
// validators, and an operation of a module (the registry, later) may write it. A ledger runs
// under the set its predecessor left: what a ledger writes takes effect from the next ledger,
// for signer checks (the herder), node rewards and trust seeds (mining).
import { type Address, isAddress } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { type LedgerState, lookup } from './state.ts'

export const VALIDATORS_KEY = 'core/validators'
/** Most validators one set may name (the agreed value's signer list has the same bound). */
export const MAX_VALIDATORS = 1000

export type BadValidatorSet = WattError<'bad_validator_set'>

/** A set to store: 1..MAX_VALIDATORS distinct addresses, in the order given. */
export const checkValidatorSet = (x: unknown): Result<readonly Address[], BadValidatorSet> => {
  const bad = (reason: string) => err(wattError('bad_validator_set', { reason }))
  if (!Array.isArray(x) || x.length === 0 || x.length > MAX_VALIDATORS) return bad('size')
  if (!x.every((a) => typeof a === 'string' && isAddress(a))) return bad('address')
  if (new Set(x).size !== x.length) return bad('duplicate')
  return ok(x as Address[])
}

/** The stored set (written only through checkValidatorSet). */
export const readValidatorSet = (raw: unknown): readonly Address[] => {
  if (!Array.isArray(raw)) throw new TypeError('corrupt validator set')
  return raw as Address[]
}

/** The validator set in force for the ledger after `state` (signer checks, rewards, seeds). */
export const validatorSetAt = (state: LedgerState): readonly Address[] =>
  readValidatorSet(lookup(state.tree, VALIDATORS_KEY))
