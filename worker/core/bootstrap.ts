// Reads the relay's /bootstrap document: the network name and relay multiaddrs the node
// starts from. Validated like any other input from the outside.
import { isValidNetworkName } from '../../shared/net/topics.ts'
import { type Result, err, ok, type WattError, wattError } from '../../shared/util/errors.ts'

export interface Bootstrap {
  readonly network: string
  readonly relays: string[]
  readonly quorumSet?: unknown
}

const MAX_RELAYS = 16

export const parseBootstrap = (x: unknown): Result<Bootstrap, WattError> => {
  if (typeof x !== 'object' || x === null) return err(wattError('bad_bootstrap', { reason: 'not an object' }))
  const b = x as Record<string, unknown>
  if (typeof b.network !== 'string' || !isValidNetworkName(b.network))
    return err(wattError('bad_bootstrap', { reason: 'network name' }))
  if (!Array.isArray(b.relays) || !b.relays.every((r) => typeof r === 'string' && r.length < 300))
    return err(wattError('bad_bootstrap', { reason: 'relays' }))
  return ok({ network: b.network, relays: b.relays.slice(0, MAX_RELAYS) as string[], quorumSet: b.quorumSet })
}

export const fetchBootstrap = async (url: string): Promise<Result<Bootstrap, WattError>> => {
  try {
    const res = await fetch(url, { cache: 'no-store' })
    if (!res.ok) return err(wattError('bootstrap_unavailable', { status: res.status }))
    return parseBootstrap(await res.json())
  } catch (e) {
    return err(wattError('bootstrap_unavailable', { message: String(e) }))
  }
}
