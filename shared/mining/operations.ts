// The mining operations, the mining module's part of a transaction:
//   checkIn       once per account per day, with a presence proof every validator checks
//                 (passkeys.ts); the day's entry records the proof's kind
//   registerPasskey  binds a passkey to the source account (passkeys.ts)
//   setCircle     circleMin..circleMax distinct existing accounts, not the source; in force from
//                 the next day (the bounds are the parameters in force, read from the context)
//   acceptInvite  names the ambassador who invited the source account, once, not itself
//   linkNode      links a node key to the source account, signed by both (node-link.ts)
// checkIn, registerPasskey and acceptInvite are `feeless` (a fee-free transaction may carry them
// while the ledger has room), and a fee-free checkIn opens a newcomer's account (day one with an
// empty wallet: a newcomer's first transaction is [registerPasskey, checkIn]).
// Accounts are named by raw 32-byte Ed25519 public keys on the wire, as in payments.
import { type Address, addressOf } from '../crypto/address.ts'
import type { PublicKey } from '../crypto/signer.ts'
import { appendToList } from '../ledger/lists.ts'
import type { OpHandler } from '../ledger/operations/registry.ts'
import { exactKeys, isBytes } from '../ledger/shape.ts'
import { err, ok, wattError } from '../util/errors.ts'
import { circleOn, getCircle, keys, MODULE } from './ledger-data.ts'
import { linkNode } from './node-link.ts'
import { MAX_CIRCLE, type MiningParams } from './params.ts'
import {
  verifyPresence,
  type PresenceProof,
  parsePresence,
  parseRegisterPasskey,
  type RegisterPasskeyOp,
  registerPasskey,
} from './passkeys.ts'

/** Every code a mining operation returns (the module's result codes). */
export const MINING_RESULT_CODES = [
  'already_checked_in',
  'bad_circle',
  'bad_invite',
  'bad_link',
  'no_account',
  'passkey_bad_key',
  'passkey_exists',
  'passkey_limit',
  'passkey_other_account',
  'passkey_taken',
  'passkey_unknown',
  'presence_bad_challenge',
  'presence_bad_client_data',
  'presence_bad_signature',
  'presence_no_uv',
  'presence_wrong_account',
  'presence_wrong_day',
  'presence_wrong_rp',
] as const
export type MiningCode = (typeof MINING_RESULT_CODES)[number]

type MiningOp<O extends { type: string }> = OpHandler<O, MiningParams, MiningCode>

export interface CheckInOp {
  readonly type: 'checkIn'
  readonly presence: PresenceProof
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
  feeless: true,
  opensAccount: true,
  parse: (raw) => {
    if (!exactKeys(raw, ['type', 'presence'])) return malformed('checkIn')
    const presence = parsePresence(raw.presence)
    return presence.ok ? ok({ type: 'checkIn', presence: presence.value }) : presence
  },
  apply: (d, op, ctx) => {
    const key = keys.checkedIn(d.dayIndex, ctx.source)
    if (d.getData(MODULE, key) !== undefined) return wattError('already_checked_in', { day: d.dayIndex })
    const kind = verifyPresence(d, op.presence, ctx.source, ctx.params)
    if (!kind.ok) return kind.error
    d.putData(MODULE, key, kind.value)
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
  feeless: true,
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

export const registerPasskeyOp: MiningOp<RegisterPasskeyOp> = {
  type: 'registerPasskey',
  feeless: true,
  parse: parseRegisterPasskey,
  apply: (d, op, ctx) => registerPasskey(d, op, ctx.source, ctx.params),
}

export const miningOperations = [checkIn, setCircle, acceptInvite, registerPasskeyOp, linkNode] as const
