// What the core tells every tab about itself: the Node screen renders this.
import type { NodeRole } from '../../shared/net/heartbeat.ts'
import type { Transport } from '../../shared/net/peer-table.ts'

export interface PeerView {
  peerId: string
  transport: Transport | undefined
  role: NodeRole | undefined
  ledgerSeq: number
  heartbeats: number
  lastHeardMs: number
}

export interface NodeSnapshot {
  version: string
  peerId: string
  network: string
  status: 'starting' | 'connecting' | 'online' | 'offline'
  hosted: boolean
  relays: number
  listenAddrs: string[]
  peers: PeerView[]
  peerCount: number
  heartbeatsSent: number
  drops: Record<string, number>
  host: { queued: number; dropped: number; attaches: number }
  capabilities: Record<string, boolean>
  /** Per-service status (e.g. `ledger`: LedgerStatusView), keyed by service name. */
  services: Record<string, unknown>
}
