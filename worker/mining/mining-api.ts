// The mining service's RPC methods and event, and their guards. A passkey proof is only checked
// for shape here: the core forwards it in the checkIn operation and the validators decide.
import { ASSERTION_LIMITS, type PasskeyAssertion } from '../../shared/mining/webauthn.ts'
import { fail } from '../../shared/util/errors.ts'
import { badParams, bytes, noParams, type Params, paramsObject, text } from '../rpc/params.ts'
import type { Guard, Guards, Method } from '../rpc/table.ts'
import type { MiningView } from './mining-view.ts'
import { isPresenceProof, type PresenceProof } from './presence.ts'

export type MiningMethods = {
  'mining.status': Method<undefined, MiningView>
  'mining.history': Method<undefined, MiningView['history']>
  /**
   * Signs a checkIn: with a WebAuthn assertion (forwarded; every validator verifies it) or, the
   * weaker kind, a fresh press-and-hold the core checks (presence.ts) and the network cannot.
   */
  'mining.checkIn': Method<{ readonly proof: CheckInProof }, { id: string }>
  /**
   * Binds a passkey (credential id, SEC1 P-256 key) to the wallet's account: at once when the
   * account exists, else with the first check-in, which opens the account.
   */
  'mining.registerPasskey': Method<RegisterPasskeyParams, { id?: string; pending: boolean }>
  /** Addresses as text. */
  'mining.setCircle': Method<{ readonly members: readonly string[] }, { id: string }>
  'mining.acceptInvite': Method<{ readonly ambassador: string }, { id: string }>
  /** Links this node's key to the wallet's account (linkNode, signed by both keys). */
  'mining.linkNode': Method<undefined, { id: string }>
}

export type PasskeyProof = { readonly kind: 'passkey' } & PasskeyAssertion
export type CheckInProof = PresenceProof | PasskeyProof

export interface RegisterPasskeyParams {
  readonly credentialId: Uint8Array
  readonly publicKey: Uint8Array
}

const passkeyProof = (o: Params): PasskeyProof => {
  const field = (k: keyof typeof ASSERTION_LIMITS) =>
    bytes(o, k, ASSERTION_LIMITS[k][0], ASSERTION_LIMITS[k][1])
  return {
    kind: 'passkey',
    credentialId: field('credentialId'),
    authenticatorData: field('authenticatorData'),
    clientDataJSON: field('clientDataJSON'),
    signature: field('signature'),
  }
}

export type MiningEvents = {
  mining: MiningView
}

const MAX_ADDRESS_TEXT = 200
const MAX_MEMBERS = 100

const members: Guard<{ readonly members: readonly string[] }> = (p) => {
  const list = paramsObject(p).members
  if (!Array.isArray(list) || list.length > MAX_MEMBERS) return badParams('members')
  const texts = list.map((m: unknown, i) =>
    typeof m === 'string' && m.length <= MAX_ADDRESS_TEXT ? m : badParams(`members.${i}`),
  )
  return { members: texts }
}

export const MINING_GUARDS: Guards<MiningMethods> = {
  'mining.status': noParams,
  'mining.history': noParams,
  'mining.checkIn': (p) => {
    const proof = paramsObject(p).proof
    if (typeof proof === 'object' && proof !== null && (proof as Params).kind === 'passkey')
      return { proof: passkeyProof(proof as Params) }
    return isPresenceProof(proof) ? { proof } : fail('presence_required', { reason: 'missing' })
  },
  'mining.registerPasskey': (p) => {
    const o = paramsObject(p)
    const [min, max] = ASSERTION_LIMITS.credentialId
    return { credentialId: bytes(o, 'credentialId', min, max), publicKey: bytes(o, 'publicKey', 33, 65) }
  },
  'mining.setCircle': members,
  'mining.acceptInvite': (p) => ({ ambassador: text(paramsObject(p), 'ambassador', MAX_ADDRESS_TEXT) }),
  'mining.linkNode': noParams,
}
