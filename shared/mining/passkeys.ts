// Passkeys on the ledger and the presence proof a checkIn carries (docs/mining.md, "Presence").
//   registerPasskey  binds a WebAuthn credential (its id and P-256 public key) to the source
//                    account; a credential id or a public key already bound to another account is
//                    refused, so one passkey cannot serve two accounts (the credential id is only a
//                    lookup hint the client names, so the key itself is indexed too)
//   presence         { kind: 'passkey', credentialId, authenticatorData, clientDataJSON, signature }
//                    verified by every validator (webauthn.ts), or { kind: 'hold }: a press-and-hold
//                    the app saw, which the network cannot check, so it weighs less
import type { Address } from '../crypto/address.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { appendToList, listLength } from '../ledger/lists.ts'
import { exactKeys } from '../ledger/shape.ts'
import { toHex } from '../util/bytes.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { sha256Small as sha256 } from '../util/sha256.ts'
import { keys, MODULE, type PresenceKind, type StoredPasskey } from './ledger-data.ts'
import { type MiningParams, rpIdList } from './params.ts'
import {
  ASSERTION_LIMITS,
  type AssertionCode,
  normalizeP256Key,
  type PasskeyAssertion,
  verifyAssertion,
} from './webauthn.ts'

export type PresenceProof = { readonly kind: 'hold' } | ({ readonly kind: 'passkey' } & PasskeyAssertion)

export type PasskeyCode =
  | AssertionCode
  | 'passkey_unknown'
  | 'passkey_other_account'
  | 'passkey_taken'
  | 'passkey_exists'
  | 'passkey_bad_key'
  | 'passkey_limit'

export interface RegisterPasskeyOp {
  readonly type: 'registerPasskey'
  readonly credentialId: Uint8Array
  /** SEC1 P-256 point, compressed (33 bytes) or not (65). */
  readonly publicKey: Uint8Array
}

type ParseError = Result<never, WattError<'malformed'>>
const malformed = (what: string, field?: string): ParseError => err(wattError('malformed', { what, field }))

const sized = (x: unknown, [min, max]: readonly [number, number]): x is Uint8Array =>
  x instanceof Uint8Array && x.length >= min && x.length <= max

const ASSERTION_FIELDS = ['credentialId', 'authenticatorData', 'clientDataJSON', 'signature'] as const

/** Strict shape of a checkIn's `presence` field. */
export const parsePresence = (raw: unknown): Result<PresenceProof, WattError<'malformed'>> => {
  if (exactKeys(raw, ['kind']) && raw.kind === 'hold') return ok({ kind: 'hold' })
  if (!exactKeys(raw, ['kind', ...ASSERTION_FIELDS]) || raw.kind !== 'passkey') return malformed('presence')
  const bad = ASSERTION_FIELDS.find((f) => !sized(raw[f], ASSERTION_LIMITS[f]))
  return bad ? malformed('presence', bad) : ok(raw as unknown as PresenceProof)
}

export const parseRegisterPasskey = (
  raw: Readonly<Record<string, unknown>>,
): Result<RegisterPasskeyOp, WattError<'malformed'>> => {
  if (!exactKeys(raw, ['type', 'credentialId', 'publicKey'])) return malformed('registerPasskey')
  if (!sized(raw.credentialId, ASSERTION_LIMITS.credentialId))
    return malformed('registerPasskey', 'credentialId')
  if (!sized(raw.publicKey, [33, 65])) return malformed('registerPasskey', 'publicKey')
  return ok({ type: 'registerPasskey', credentialId: raw.credentialId, publicKey: raw.publicKey })
}

const hashHex = (b: Uint8Array): string => toHex(sha256(b))

export const getPasskey = (
  d: Pick<LedgerDraft, 'getData'>,
  credentialId: Uint8Array,
): StoredPasskey | undefined =>
  d.getData(MODULE, keys.passkey(hashHex(credentialId))) as StoredPasskey | undefined

/** Binds a passkey to `account`, or says why not (nothing changed then). */
export const registerPasskey = (
  d: LedgerDraft,
  op: RegisterPasskeyOp,
  account: Address,
  p: MiningParams,
): WattError<PasskeyCode> | undefined => {
  const publicKey = normalizeP256Key(op.publicKey)
  if (!publicKey) return wattError('passkey_bad_key')
  const known = getPasskey(d, op.credentialId)
  const keyOwner = d.getData(MODULE, keys.passkeyKey(hashHex(publicKey))) as Address | undefined
  if ((known && known.account !== account) || (keyOwner && keyOwner !== account))
    return wattError('passkey_taken', { account: known?.account ?? keyOwner })
  if (known || keyOwner) return wattError('passkey_exists')
  if (listLength(d, MODULE, keys.passkeysOf(account)) >= p.maxPasskeys)
    return wattError('passkey_limit', { max: p.maxPasskeys })
  const credHash = hashHex(op.credentialId)
  d.putData(MODULE, keys.passkey(credHash), { account, publicKey })
  d.putData(MODULE, keys.passkeyKey(hashHex(publicKey)), account)
  appendToList(d, MODULE, keys.passkeysOf(account), credHash)
  return undefined
}

/** Checks a check-in's presence proof for `account` on the draft's day; its kind, or the rejection. */
export const verifyPresence = (
  d: LedgerDraft,
  proof: PresenceProof,
  account: Address,
  p: MiningParams,
): Result<PresenceKind, WattError<PasskeyCode>> => {
  if (proof.kind === 'hold') return ok('hold')
  const passkey = getPasskey(d, proof.credentialId)
  if (!passkey) return err(wattError('passkey_unknown'))
  if (passkey.account !== account)
    return err(wattError('passkey_other_account', { account: passkey.account }))
  const failure = verifyAssertion(proof, {
    networkId: d.config.networkId,
    day: d.dayIndex,
    account,
    rpIds: rpIdList(p),
    publicKey: passkey.publicKey,
  })
  return failure ? err(wattError(failure)) : ok('passkey')
}
