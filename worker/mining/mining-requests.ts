// Turns the Mine screen's requests (addresses as text) into mining operations, checking what the
// node can know before the network does: address checksums, circle size, duplicates, self,
// accounts that must exist, an invite already accepted. Also builds the transaction body.
import { type Address, addressOf, parseAddress } from '../../shared/crypto/address.ts'
import type { PublicKey } from '../../shared/crypto/signer.ts'
import {
  type Amount,
  type GenesisConfig,
  getAccount,
  getData,
  type LedgerState,
  type TxBody,
} from '../../shared/ledger/index.ts'
import { keys, MODULE } from '../../shared/mining/ledger-data.ts'
import { miningModule } from '../../shared/mining/module.ts'
import type { AcceptInviteOp, SetCircleOp } from '../../shared/mining/operations.ts'
import type { MiningParams } from '../../shared/mining/params.ts'
import { err, ok, type Result, type WattError, wattError } from '../../shared/util/errors.ts'
import { accountTxBody } from '../node/account-txs.ts'

const fault = (code: string, details: Record<string, unknown> = {}) => err(wattError(code, details))

const keyOf = (text: string, field: string): Result<PublicKey, WattError> => {
  const k = parseAddress(text.trim())
  return k.ok ? k : fault('bad_address', { reason: k.error.reason, field })
}

export const parseSetCircle = (
  list: readonly string[],
  me: Address,
  state: LedgerState,
  p: MiningParams,
): Result<SetCircleOp, WattError> => {
  if (list.length < p.circleMin || list.length > p.circleMax)
    return fault('bad_circle', { reason: 'size', min: p.circleMin, max: p.circleMax })
  const members: PublicKey[] = []
  const seen = new Set<string>()
  for (const [i, text] of list.entries()) {
    const k = keyOf(text, `members.${i}`)
    if (!k.ok) return k
    const a = addressOf(k.value)
    if (a === me) return fault('bad_circle', { reason: 'self' })
    if (seen.has(a)) return fault('bad_circle', { reason: 'duplicate' })
    if (!getAccount(state, a)) return fault('no_account', { account: a })
    seen.add(a)
    members.push(k.value)
  }
  return ok({ type: 'setCircle', members })
}

export const parseAcceptInvite = (
  ambassador: string,
  me: Address,
  state: LedgerState,
): Result<AcceptInviteOp, WattError> => {
  const k = keyOf(ambassador, 'ambassador')
  if (!k.ok) return k
  const a = addressOf(k.value)
  if (a === me) return fault('bad_invite', { reason: 'self' })
  if (getData(state, MODULE, keys.ambassador(me)) !== undefined)
    return fault('bad_invite', { reason: 'already_accepted' })
  if (!getAccount(state, a)) return fault('no_account', { account: a })
  return ok({ type: 'acceptInvite', ambassador: k.value })
}

/**
 * A mining transaction: fee-free when every operation is `feeless` (W8: it waits behind paying
 * transactions only when ledgers are full), else at the network's minimum fee per operation.
 */
export const miningTxBody = (
  ops: readonly { readonly type: string }[],
  source: PublicKey,
  seq: bigint,
  config: GenesisConfig,
  state: LedgerState,
  nowMs: number,
): TxBody => {
  const fee = isFeeless(ops) ? 0n : config.minFeePerOp * BigInt(ops.length)
  return accountTxBody(ops, { source, seq, fee: fee as Amount, config, state, nowMs })
}

/** Every operation may go fee-free (the mining module's `feeless` handlers). */
export const isFeeless = (ops: readonly { readonly type: string }[]): boolean =>
  ops.every((o) => miningModule.operations.some((h) => h.type === o.type && h.feeless === true))
