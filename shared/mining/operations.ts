// The mining operations, registered with the ledger's protocol next to the core ones:
//   checkIn       once per account per day (the app gates it behind a press-and-hold)
//   setCircle     3-5 distinct existing accounts, not the source; in force from the next day
//   acceptInvite  names the ambassador who invited the source account, once, not itself
// Accounts are named by raw 32-byte Ed25519 public keys on the wire, as in payments.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import { exactKeys, isBytes } from '../ledger/shape.ts'
import type { AnyOpHandler, OpHandler } from '../ledger/operations/registry.ts'
import { err, ok, wattError } from '../util/errors.ts'
import { appendToList, circleOn, getCircle, keys, MODULE } from './ledger-data.ts'
import type { MiningParams } from './params.ts'

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

/** The mining module's catalogue of result codes (see shared/ledger/result-codes.ts). */
export type MiningResultCode = 'already_checked_in' | 'bad_circle' | 'bad_invite' | 'no_account'

const malformed = (what: string, field?: string) => err(wattError('malformed', { what, field }))

export const checkIn: OpHandler<CheckInOp, MiningResultCode> = {
  type: 'checkIn',
  parse: (raw) => (exactKeys(raw, ['type']) ? ok({ type: 'checkIn' }) : malformed('checkIn')),
  apply: (d, _op, ctx) => {
    const key = keys.checkedIn(d.dayIndex, ctx.source)
    if (d.getData(MODULE, key) !== undefined) return wattError('already_checked_in', { day: d.dayIndex })
    d.putData(MODULE, key, 1)
    appendToList(d, keys.checkInList(d.dayIndex), ctx.source)
    return undefined
  },
}

export const setCircle = (params: MiningParams): OpHandler<SetCircleOp, MiningResultCode> => ({
  type: 'setCircle',
  parse: (raw) => {
    if (!exactKeys(raw, ['type', 'members']) || !Array.isArray(raw.members)) return malformed('setCircle')
    const m = raw.members as unknown[]
    if (m.length < params.circleMin || m.length > params.circleMax || !m.every((k) => isBytes(k, 32)))
      return malformed('setCircle', 'members')
    return ok({ type: 'setCircle', members: m as PublicKey[] })
  },
  apply: (d, op, ctx) => {
    const members = op.members.map((k) => addressOf(k))
    if (new Set(members).size !== members.length) return wattError('bad_circle', { reason: 'duplicate' })
    if (members.includes(ctx.source)) return wattError('bad_circle', { reason: 'self' })
    const missing = members.find((a) => d.getAccount(a) === undefined)
    if (missing) return wattError('no_account', { account: missing })
    const old = getCircle(d, ctx.source)
    if (!old) appendToList(d, keys.circleOwners, ctx.source)
    const inForceToday: Address[] = old ? circleOn(old, d.dayIndex) : []
    d.putData(MODULE, keys.circle(ctx.source), { members, prev: inForceToday, from: d.dayIndex + 1 })
    return undefined
  },
})

export const acceptInvite: OpHandler<AcceptInviteOp, MiningResultCode> = {
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
    appendToList(d, keys.invitees, ctx.source)
    return undefined
  },
}

/** The handlers to pass to createProtocol next to coreOperations. */
export const miningOperations = (params: MiningParams): readonly AnyOpHandler[] => [
  checkIn,
  setCircle(params),
  acceptInvite,
]
