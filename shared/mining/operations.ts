// The mining operations, the mining module's part of a transaction:
//   checkIn       once per account per day (the app gates it behind a press-and-hold)
//   setCircle     circleMin..circleMax distinct existing accounts, not the source; in force from
//                 the next day (the bounds are the parameters in force, read from the context)
//   acceptInvite  names the ambassador who invited the source account, once, not itself
// Accounts are named by raw 32-byte Ed25519 public keys on the wire, as in payments.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import { appendToList } from '../ledger/lists.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { exactKeys, isBytes } from '../ledger/shape.ts'
import { err, ok, wattError } from '../util/errors.ts'
import { circleOn, getCircle, keys, MODULE } from './ledger-data.ts'
import { MAX_CIRCLE, type MiningParams } from './params.ts'

/** Every code a mining operation returns (the module's result codes). */
export const MINING_RESULT_CODES = ['already_checked_in', 'bad_circle', 'bad_invite', 'no_account'] as const
export type MiningCode = (typeof MINING_RESULT_CODES)[number]

type MiningOp<O extends { type: string }> = OpHandler<O, MiningParams, MiningCode>

export interface CheckInOp {
  readonly type: 'checkIn'
}
export interface SetCircleOp {
  readonly type: 'setCircle'
  readonly members: readonly PublicKey[]
}
export interface AcceptInviteOp {
  readonly type: 'acceptInvite'
  readonly ambassador: PublicKey
}

const malformed = (what: string, field?: string) => err(wattError('malformed', { what, field }))

export const checkIn: MiningOp<CheckInOp> = {
  type: 'checkIn',
  parse: (raw) => (exactKeys(raw, ['type']) ? ok({ type: 'checkIn' }) : malformed('checkIn')),
  apply: (d, _op, ctx) => {
    const key = keys.checkedIn(d.dayIndex, ctx.source)
    if (d.getData(MODULE, key) !== undefined) return wattError('already_checked_in', { day: d.dayIndex })
    d.putData(MODULE, key, 1)
    appendToList(d, MODULE, keys.checkInList(d.dayIndex), ctx.source)
    return undefined
  },
}

export const setCircle: MiningOp<SetCircleOp> = {
  type: 'setCircle',
  parse: (raw) => {
    if (!exactKeys(raw, ['type', 'members']) || !Array.isArray(raw.members)) return malformed('setCircle')
    const m = raw.members as unknown[]
    if (m.length < 1 || m.length > MAX_CIRCLE || !m.every((k) => isBytes(k, 32)))
      return malformed('setCircle', 'members')
    return ok({ type: 'setCircle', members: m as PublicKey[] })
  },
  apply: (d, op, ctx) => {
    const { circleMin, circleMax } = ctx.params
    if (op.members.length < circleMin || op.members.length > circleMax)
      return wattError('bad_circle', { reason: 'size', min: circleMin, max: circleMax })
    const members = op.members.map((k) => addressOf(k))
    if (new Set(members).size !== members.length) return wattError('bad_circle', { reason: 'duplicate' })
    if (members.includes(ctx.source)) return wattError('bad_circle', { reason: 'self' })
    const missing = members.find((a) => d.getAccount(a) === undefined)
    if (missing) return wattError('no_account', { account: missing })
    const old = getCircle(d, ctx.source)
    if (!old) appendToList(d, MODULE, keys.circleOwners, ctx.source)
    const inForceToday: Address[] = old ? circleOn(old, d.dayIndex) : []
    d.putData(MODULE, keys.circle(ctx.source), { members, prev: inForceToday, from: d.dayIndex + 1 })
    return undefined
  },
}

export const acceptInvite: MiningOp<AcceptInviteOp> = {
  type: 'acceptInvite',
  parse: (raw) =>
    exactKeys(raw, ['type', 'ambassador']) && isBytes(raw.ambassador, 32)
      ? ok({ type: 'acceptInvite', ambassador: raw.ambassador as PublicKey })
      : malformed('acceptInvite'),
  apply: (d, op, ctx) => {
    const ambassador = addressOf(op.ambassador)
    if (ambassador === ctx.source) return wattError('bad_invite', { reason: 'self' })
    if (d.getData(MODULE, keys.ambassador(ctx.source)) !== undefined)
      return wattError('bad_invite', { reason: 'already_accepted' })
    if (!d.getAccount(ambassador)) return wattError('no_account', { account: ambassador })
    d.putData(MODULE, keys.ambassador(ctx.source), ambassador)
    appendToList(d, MODULE, keys.invitees, ctx.source)
    return undefined
  },
}

export const miningOperations = [checkIn, setCircle, acceptInvite] as const
