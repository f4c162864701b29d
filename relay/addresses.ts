// The multiaddrs the relay tells browsers to dial. A wildcard listen address (0.0.0.0) is not
// dialable, so it is replaced by loopback plus every external IPv4 address of this host.
import type { NetworkInterfaceInfo } from 'node:os'

export const WILDCARD_HOST = '0.0.0.0'

/** The TCP port of the first `/tcp/<port>/ws` listen address, or undefined. */
export const wsPortOf = (listenAddrs: readonly string[]): number | undefined => {
  for (const a of listenAddrs) {
    const m = /\/tcp\/(\d+)\/ws(\/|$)/.exec(a)
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

export const relayMultiaddrs = (hosts: readonly string[], wsPort: number, peerId: string): string[] =>
  hosts.map((h) => `/ip4/${h}/tcp/${wsPort}/ws/p2p/${peerId}`)
