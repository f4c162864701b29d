// Links between the relays of one network (`--peer MULTIADDR`, repeatable). Each relay keeps a
// connection to every peer relay it was given, redialling one that dropped, and gossipsub
// treats them as direct peers (every message is forwarded to them, whatever the mesh), so a
// browser on one relay hears a browser on another. A peer relay with an open connection is
// healthy and is listed in /bootstrap, so that browsers can fall back to it.
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'

export const PEER_REDIAL_MS = 2_000
const PEER_DIAL_TIMEOUT_MS = 10_000

const idOf = (addr: string): string => /\/p2p\/([^/]+)$/.exec(addr)?.[1] ?? ''

/** gossipsub's `directPeers` for the configured peer multiaddrs (each ends in /p2p/<id>). */
export const directPeersOf = (peers: readonly string[]) =>
  peers.map((p) => ({
    id: peerIdFromString(idOf(p)),
    addrs: [multiaddr(p.replace(/\/p2p\/[^/]+$/, ''))],
  }))

export interface PeerLinks {
  /** The configured peer multiaddrs whose relay has an open connection now. */
  healthy(): string[]
  stop(): void
}

export const linkPeers = (node: Libp2p, peers: readonly string[], log: (line: string) => void): PeerLinks => {
  const dialing = new Set<string>()
  const open = (id: string) =>
    node.getConnections().some((c) => c.status === 'open' && c.remotePeer.toString() === id)
  const dialAll = () => {
    for (const p of peers) {
      const id = idOf(p)
      if (dialing.has(id) || open(id)) continue
      dialing.add(id)
      node
        .dial(multiaddr(p), { signal: AbortSignal.timeout(PEER_DIAL_TIMEOUT_MS) })
        .then(
          () => log(`relay peer linked peer=${id}`),
          (e: Error) =>
            log(`relay peer dial-failed peer=${id} error=${JSON.stringify(e.message.slice(0, 200))}`),
        )
        .finally(() => dialing.delete(id))
    }
  }
  dialAll()
  const timer = peers.length === 0 ? undefined : setInterval(dialAll, PEER_REDIAL_MS)
  return {
    healthy: () => peers.filter((p) => open(idOf(p))),
    stop: () => clearInterval(timer),
  }
}
