// The multiaddrs the relay tells browsers to dial. A wildcard listen address (0.0.0.0) is not
// dialable, so it is replaced by loopback plus every external IPv4 address of this host.
// Behind a reverse proxy or NAT none of those is what browsers dial: `--announce` names the
// public multiaddrs instead.
import { multiaddr } from '@multiformats/multiaddr'
import type { NetworkInterfaceInfo } from 'node:os'

export const WILDCARD_HOST = '0.0.0.0'

/** The TCP port of the first `/tcp/<port>/ws` (or `/tcp/<port>/tls/ws`) listen address, or undefined. */
export const wsPortOf = (listenAddrs: readonly string[]): number | undefined => {
  for (const a of listenAddrs) {
    const m = /\/tcp\/(\d+)\/(tls\/)?ws(\/|$)/.exec(a)
    if (m?.[1] !== undefined) return Number(m[1])
  }
  return undefined
}

/** IPv4 addresses browsers can dial for a listen host: the host itself, or all of ours for 0.0.0.0. */
export const dialableHosts = (host: string, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] => {
  if (host !== WILDCARD_HOST) return [host]
  const external = Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((i) => i.family === 'IPv4' && !i.internal)
    .map((i) => i.address)
  return ['127.0.0.1', ...new Set(external)]
}

/** `/ws`, or `/tls/ws` when the relay serves TLS itself (browsers dial it as `wss://`). */
export const relayMultiaddrs = (
  hosts: readonly string[],
  wsPort: number,
  peerId: string,
  tls = false,
): string[] => hosts.map((h) => `/ip4/${h}/tcp/${wsPort}/${tls ? 'tls/' : ''}ws/p2p/${peerId}`)

export const MAX_ANNOUNCED = 8

/**
 * Checks operator-given multiaddrs (announce, peers): parseable, bounded in count, and, for
 * announce, ending in this relay's `/p2p/<peerId>` (appended when missing).
 */
export const checkedMultiaddrs = (
  given: readonly string[],
  fail: (value: string, message: string) => never,
  peerId?: string,
): string[] =>
  given.slice(0, MAX_ANNOUNCED + 1).map((raw, i) => {
    if (i >= MAX_ANNOUNCED) fail(raw, `at most ${MAX_ANNOUNCED}`)
    try {
      multiaddr(raw)
    } catch (e) {
      fail(raw, `not a multiaddr: ${(e as Error).message}`)
    }
    if (peerId === undefined) return raw
    const id = /\/p2p\/([^/]+)$/.exec(raw)?.[1]
    if (id !== undefined && id !== peerId) fail(raw, `names peer ${id}, not this relay (${peerId})`)
    return id === undefined ? `${raw}/p2p/${peerId}` : raw
  })
