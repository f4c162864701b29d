// Restarting pubsub with a peer whose pubsub stream ended or broke while its connection stays
// open: forget the peer's gossipsub state and open a fresh stream to it, which makes the peer's
// gossipsub open a fresh one back. The connection, its circuit reservation and its other
// protocols are untouched. A peer that needs more than PUBSUB_RESTARTS_PER_WINDOW restarts in
// PUBSUB_RESTART_WINDOW_MS is hung up on instead (it may redial).
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

export const PUBSUB_RESTARTS_PER_WINDOW = 3
export const PUBSUB_RESTART_WINDOW_MS = 60_000
/** A stream that ends because its connection is closing is not restarted: wait for the close. */
export const PUBSUB_RESTART_DELAY_MS = 200

/** What a restart needs of gossipsub: the topology callbacks it runs on (dis)connect. */
export interface PeerTopology {
  onPeerConnected(peerId: PeerId, connection: Connection): void
  onPeerDisconnected(peerId: PeerId): void
}

export type RestarterNode = Pick<Libp2p, 'hangUp' | 'getConnections' | 'addEventListener'>

export interface RestartCounts {
  streamRestarts: number
  hangUps: number
}

export type Side = 'inbound' | 'outbound'

export interface StreamRestarter {
  /** `stream` is now the relay's `side` pubsub stream with `peerId`. */
  track(peerId: PeerId, side: Side, stream: Stream): void
  /** Whether `stream` is already tracked as that side. */
  tracks(peerId: PeerId, side: Side, stream: Stream): boolean
  /** A stream ended, cleanly or not: if it is a tracked one, restart pubsub with the peer shortly. */
  ended(peerId: PeerId, side: Side, stream: Stream, cause: string): void
}

export const streamRestarter = (
  topology: PeerTopology,
  node: RestarterNode,
  counts: RestartCounts,
  log: (line: string) => void,
): StreamRestarter => {
  const restarts = restartBudget()
  /** Per peer: the inbound and outbound pubsub streams the relay uses now. */
  const current = new Map<string, Partial<Record<Side, Stream>>>()
  /** Peers with a restart due (both streams of a peer often end together). */
  const scheduled = new Set<string>()

  const restart = (peerId: PeerId, cause: string) => {
    const id = peerId.toString()
    scheduled.delete(id)
    const conn = node.getConnections(peerId).find((c) => c.status === 'open' && c.limits === undefined)
    if (conn === undefined) return
    if (!restarts.take(id, Date.now())) {
      counts.hangUps++
      log(`relay pubsub hang-up peer=${id} cause=${cause} reason=too-many-restarts`)
      node.hangUp(peerId).catch(() => undefined)
      return
    }
    counts.streamRestarts++
    log(`relay pubsub stream-restart peer=${id} cause=${cause}`)
    // reset what is left of the inbound stream: the peer then drops its side and, when the
    // relay's fresh stream arrives, opens a fresh one back
    current.get(id)?.inbound?.abort(new Error('pubsub stream restart'))
    current.delete(id)
    topology.onPeerDisconnected(peerId)
    topology.onPeerConnected(peerId, conn)
  }

  node.addEventListener('peer:disconnect', (e) => {
    const id = e.detail.toString()
    current.delete(id)
    scheduled.delete(id)
    restarts.forget(id)
  })

  return {
    track: (peerId, side, stream) => {
      const id = peerId.toString()
      current.set(id, { ...current.get(id), [side]: stream })
    },
    tracks: (peerId, side, stream) => current.get(peerId.toString())?.[side] === stream,
    ended: (peerId, side, stream, cause) => {
      const id = peerId.toString()
      const s = current.get(id)
      if (s?.[side] !== stream) return
      delete s[side]
      if (scheduled.has(id)) return
      scheduled.add(id)
      setTimeout(() => restart(peerId, `${side}-${cause}`), PUBSUB_RESTART_DELAY_MS).unref()
    },
  }
}

/** At most PUBSUB_RESTARTS_PER_WINDOW restarts per peer in any PUBSUB_RESTART_WINDOW_MS. */
const restartBudget = () => {
  const times = new Map<string, number[]>()
  return {
    take(id: string, now: number): boolean {
      const recent = (times.get(id) ?? []).filter((t) => now - t < PUBSUB_RESTART_WINDOW_MS)
      if (recent.length >= PUBSUB_RESTARTS_PER_WINDOW) return false
      recent.push(now)
      times.set(id, recent)
      return true
    },
    forget(id: string): void {
      times.delete(id)
    },
  }
}
