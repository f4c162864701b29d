// Reads the relay's /bootstrap document: the network name and relay multiaddrs the node
// starts from. Validated like any other input from the outside.
import { isValidNetworkName } from '../../shared/net/topics.ts'
import { type Result, err, ok, type WattError, wattError } from '../../shared/util/errors.ts'

export interface Bootstrap {
  readonly network: string
  /** Every healthy relay of the network; the host tries them in turn (relay-order.ts). */
  readonly relays: string[]
  readonly quorumSet?: unknown
  /** STUN/TURN servers for WebRTC (RTCConfiguration.iceServers); empty when the relay names none. */
  readonly iceServers: IceServer[]
}

export interface IceServer {
  urls: string
  username?: string
  credential?: string
}

const MAX_RELAYS = 16
const MAX_ICE_SERVERS = 8

const isShortString = (x: unknown): x is string => typeof x === 'string' && x.length <= 256

/** Keeps the well-formed entries: stun:/turn: URLs, TURN with its username and credential. */
export const parseIceServers = (x: unknown): IceServer[] => {
  if (!Array.isArray(x)) return []
  const out: IceServer[] = []
  for (const e of x.slice(0, MAX_ICE_SERVERS)) {
    if (typeof e !== 'object' || e === null) continue
    const { urls, username, credential } = e as Record<string, unknown>
    if (!isShortString(urls)) continue
    if (/^stuns?:/.test(urls)) out.push({ urls })
    else if (/^turns?:/.test(urls) && isShortString(username) && isShortString(credential))
      out.push({ urls, username, credential })
  }
  return out
}

export const parseBootstrap = (x: unknown): Result<Bootstrap, WattError> => {
  if (typeof x !== 'object' || x === null) return err(wattError('bad_bootstrap', { reason: 'not an object' }))
  const b = x as Record<string, unknown>
  if (typeof b.network !== 'string' || !isValidNetworkName(b.network))
    return err(wattError('bad_bootstrap', { reason: 'network name' }))
  if (!Array.isArray(b.relays) || !b.relays.every((r) => typeof r === 'string' && r.length < 300))
    return err(wattError('bad_bootstrap', { reason: 'relays' }))
  return ok({
    network: b.network,
    relays: b.relays.slice(0, MAX_RELAYS) as string[],
    quorumSet: b.quorumSet,
    iceServers: parseIceServers(b.iceServers),
  })
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
