// The node's view of its peers: who is connected and how, who has sent verified heartbeats,
// and whom to dial. Pure and bounded; the caller supplies the local clock reading.
import type { NodeRole } from './heartbeat.ts'
import type { PeerIdString } from './peer-id.ts'

export type Transport = 'webrtc' | 'relay' | 'websocket'

export interface PeerEntry {
  readonly peerId: PeerIdString
  /** Best live transport, or undefined while not connected. */
  transport: Transport | undefined
  addrs: readonly string[]
  role: NodeRole | undefined
  ledgerSeq: number
  lastSeq: number
  heartbeats: number
  lastHeard: number
  dialAttempts: number
  lastDial: number
}

const TRANSPORT_RANK: Record<Transport, number> = { webrtc: 3, websocket: 2, relay: 1 }

export const bestTransport = (ts: readonly Transport[]): Transport | undefined =>
  ts.reduce<Transport | undefined>(
    (a, t) => (a === undefined || TRANSPORT_RANK[t] > TRANSPORT_RANK[a] ? t : a),
    undefined,
  )

export interface PeerTableLimits {
  readonly maxPeers: number
  /** A peer not heard from for this long (ms) and not connected is forgotten. */
  readonly forgetAfterMs: number
}

export const DEFAULT_PEER_LIMITS: PeerTableLimits = { maxPeers: 256, forgetAfterMs: 120_000 }

export const createPeerTable = (self: PeerIdString, limits: PeerTableLimits = DEFAULT_PEER_LIMITS) => {
  const peers = new Map<PeerIdString, PeerEntry>()

  const entry = (peerId: PeerIdString, now: number): PeerEntry | undefined => {
    if (peerId === self) return undefined
    let e = peers.get(peerId)
    if (!e) {
      if (peers.size >= limits.maxPeers && !evictOne()) return undefined
      e = {
        peerId,
        transport: undefined,
        addrs: [],
        role: undefined,
        ledgerSeq: 0,
        lastSeq: -1,
        heartbeats: 0,
        lastHeard: now,
        dialAttempts: 0,
        lastDial: 0,
      }
      peers.set(peerId, e)
    }
    return e
  }

  /** Evicts the longest-silent unconnected peer; false when every slot holds a connected peer. */
  const evictOne = (): boolean => {
    let victim: PeerEntry | undefined
    for (const e of peers.values())
      if (!e.transport && (!victim || e.lastHeard < victim.lastHeard)) victim = e
    if (victim) peers.delete(victim.peerId)
    return victim !== undefined
  }

  return {
    /** Records a verified heartbeat; false if it is a replay (sequence not newer). */
    heard(
      peerId: PeerIdString,
      hb: { seq: number; addrs: readonly string[]; role: NodeRole; ledgerSeq: number },
      now: number,
    ): boolean {
      const e = entry(peerId, now)
      if (!e || hb.seq <= e.lastSeq) return false
      e.lastSeq = hb.seq
      e.addrs = hb.addrs
      e.role = hb.role
      e.ledgerSeq = hb.ledgerSeq
      e.heartbeats++
      e.lastHeard = now
      return true
    },
    /** Replaces the set of live connections as the network host reports them. */
    setConnections(
      conns: ReadonlyArray<{ peerId: PeerIdString; transports: readonly Transport[] }>,
      now: number,
    ): void {
      const live = new Map(conns.map((c) => [c.peerId, bestTransport(c.transports)]))
      for (const e of peers.values()) e.transport = live.get(e.peerId)
      for (const [peerId, t] of live) {
        const e = entry(peerId, now)
        if (e) e.transport = t
      }
    },
    /** Peers worth a direct dial: heard recently, dialable over WebRTC, not yet direct, backoff elapsed. */
    dialCandidates(now: number, maxDirect: number): PeerEntry[] {
      const direct = [...peers.values()].filter((e) => e.transport === 'webrtc').length
      if (direct >= maxDirect) return []
      return [...peers.values()]
        .filter((e) => e.transport !== 'webrtc' && e.addrs.some((a) => a.includes('/webrtc')))
        .filter((e) => now - e.lastDial >= Math.min(60_000, 2_000 * 2 ** Math.min(e.dialAttempts, 5)))
        .slice(0, maxDirect - direct)
    },
    markDialed(peerId: PeerIdString, now: number): void {
      const e = peers.get(peerId)
      if (e) {
        e.dialAttempts++
        e.lastDial = now
      }
    },
    prune(now: number): void {
      for (const e of peers.values())
        if (!e.transport && now - e.lastHeard > limits.forgetAfterMs) peers.delete(e.peerId)
    },
    get(peerId: PeerIdString): PeerEntry | undefined {
      return peers.get(peerId)
    },
    list(): PeerEntry[] {
      return [...peers.values()]
    },
  }
}

export type PeerTable = ReturnType<typeof createPeerTable>
