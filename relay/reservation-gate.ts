// Limits on circuit relay reservations, checked by the connection gater's
// denyInboundRelayReservation hook before the relay reserves a slot: at most `maxReservations`
// in all and `reservationsPerIp` held by peers connected from one address. A refused peer
// gets the protocol's PERMISSION_DENIED answer; a renewal of a reservation it holds passes.
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { ConnectionLimits } from './limits.ts'

export interface ReservationCounts {
  /** Reservations held now. */
  active: number
  refusedPerIp: number
  refusedFull: number
}

/** The part of the circuit relay server the gate reads. */
interface RelayServer {
  reservations: { size: number; has(p: PeerId): boolean; values(): Iterable<{ addr: Multiaddr }> }
}

const ipOfAddr = (addr: Multiaddr): string => /^\/ip[46]\/([^/]+)/.exec(addr.toString())?.[1] ?? '?'

export const reservationGate = (limits: ConnectionLimits, log: (line: string) => void) => {
  let node: Libp2p<{ relay: RelayServer }> | undefined
  const counts = { refusedPerIp: 0, refusedFull: 0 }
  const deny = (peer: PeerId): boolean => {
    const relay = node?.services.relay
    if (node === undefined || relay === undefined || relay.reservations.has(peer)) return false
    if (relay.reservations.size >= limits.maxReservations) {
      counts.refusedFull++
      log(`relay reservation refused reason=full peer=${peer}`)
      return true
    }
    const conn = node.getConnections(peer)[0]
    if (conn === undefined) return false
    const ip = ipOfAddr(conn.remoteAddr)
    let fromIp = 0
    for (const r of relay.reservations.values()) if (ipOfAddr(r.addr) === ip) fromIp++
    if (fromIp < limits.reservationsPerIp) return false
    counts.refusedPerIp++
    log(`relay reservation refused reason=per-ip ip=${ip} held=${fromIp} peer=${peer}`)
    return true
  }
  return {
    /** The node whose relay service holds the reservations; call before it starts. */
    bind(n: Libp2p<{ relay: RelayServer }>): void {
      node = n
    },
    deny,
    counts: (): ReservationCounts => ({ active: node?.services.relay.reservations.size ?? 0, ...counts }),
  }
}
