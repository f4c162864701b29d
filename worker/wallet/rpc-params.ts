// Guards for the wallet's RPC parameters: tabs are untrusted callers, so every shape is checked
// and every size bounded before the service looks at it.
import { fail } from '../../shared/util/errors.ts'
import { isObj } from '../rpc/params.ts'
import { checkPin, type NewLock, type UnlockWith } from './vault-locks.ts'

export const isReplace = (p: unknown): boolean => isObj(p) && p.replace === true

/** `{ limit }` clamped to 1..max; absent or malformed gives max. */
export const parseLimit = (p: unknown, max: number): number => {
  const n = isObj(p) ? p.limit : undefined
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? Math.min(n, max) : max
}

/** `{ answers: { [position]: word } }` for the backup check; anything else is an empty answer. */
export const parseAnswers = (p: unknown): Record<number, string> => {
  const out: Record<number, string> = {}
  const a = isObj(p) ? p.answers : undefined
  if (!isObj(a)) return out
  for (const [k, v] of Object.entries(a).slice(0, 24)) {
    const pos = Number(k)
    if (Number.isSafeInteger(pos) && typeof v === 'string' && v.length <= 20) out[pos] = v
  }
  return out
}

/** WebAuthn allows credential ids up to 1023 bytes; the PRF's input and output are 32 bytes here. */
const MAX_CREDENTIAL_ID = 1023
const MAX_PIN_FIELD = 256
const bytes = (x: unknown, min: number, max: number): Uint8Array | undefined =>
  x instanceof Uint8Array && x.length >= min && x.length <= max ? new Uint8Array(x) : undefined
const pinOf = (p: unknown): string | undefined =>
  isObj(p) && typeof p.pin === 'string' && p.pin.length <= MAX_PIN_FIELD ? p.pin : undefined

/** `{ pin }` or `{ passkey: { credentialId, salt, prf } }`: how a new or re-protected wallet is locked. */
export const parseNewLock = (p: unknown): NewLock => {
  const pin = pinOf(p)
  if (pin !== undefined) {
    checkPin(pin)
    return { pin }
  }
  const k = isObj(p) ? p.passkey : undefined
  const credentialId = isObj(k) ? bytes(k.credentialId, 1, MAX_CREDENTIAL_ID) : undefined
  const salt = isObj(k) ? bytes(k.salt, 32, 32) : undefined
  const prf = isObj(k) ? bytes(k.prf, 32, 32) : undefined
  if (credentialId && salt && prf) return { passkey: { credentialId, salt, prf } }
  return fail('bad_params', { field: 'lock' })
}

/** `{ pin }` or `{ prf }` (the passkey's PRF output for the wallet's salt). */
export const parseUnlock = (p: unknown): UnlockWith => {
  const pin = pinOf(p)
  if (pin !== undefined) return { pin }
  const prf = isObj(p) ? bytes(p.prf, 32, 32) : undefined
  return prf ? { prf } : fail('bad_params', { field: 'unlock' })
}
