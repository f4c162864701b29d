// The mining service's RPC methods and event, and their guards.
import { fail } from '../../shared/util/errors.ts'
import { badParams, noParams, paramsObject, text } from '../rpc/params.ts'
import type { Guard, Guards, Method } from '../rpc/table.ts'
import type { MiningView } from './mining-view.ts'
import { isPresenceProof, type PresenceProof } from './presence.ts'

export type MiningMethods = {
  'mining.status': Method<undefined, MiningView>
  'mining.history': Method<undefined, MiningView['history']>
  /** Signs a checkIn; only with a fresh press-and-hold proof from the page (presence.ts). */
  'mining.checkIn': Method<{ readonly proof: PresenceProof }, { id: string }>
  /** Addresses as text. */
  'mining.setCircle': Method<{ readonly members: readonly string[] }, { id: string }>
  'mining.acceptInvite': Method<{ readonly ambassador: string }, { id: string }>
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
    return isPresenceProof(proof) ? { proof } : fail('presence_required', { reason: 'missing' })
  },
  'mining.setCircle': members,
  'mining.acceptInvite': (p) => ({ ambassador: text(paramsObject(p), 'ambassador', MAX_ADDRESS_TEXT) }),
}
