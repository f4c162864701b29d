// The Node screen: who this node is, whether it is online, its peers and how each is
// reached, and what this browser can do.
import { useEffect, useState } from 'preact/hooks'
import type { NodeSnapshot } from '../../worker/core/snapshot.ts'
import type { CoreConnection } from '../core-client.ts'
import { type Capability, type Diagnostics, runDiagnostics } from '../diagnostics.ts'
import type { LedgerStatusView } from '../../worker/node/ledger-service.ts'
import { LedgerCard } from './ledger-card.tsx'
import { QuorumCard } from './quorum-card.tsx'

interface Props {
  snap: NodeSnapshot | undefined
  core: CoreConnection
  hostState: { hosting: boolean }
}

const CAPABILITIES: Array<[Capability, string]> = [
  ['sharedworker', 'SharedWorker'],
  ['webrtc', 'WebRTC'],
  ['opfs-sync', 'OPFS sync access'],
  ['ed25519', 'WebCrypto Ed25519'],
  ['persist', 'Persistent storage'],
]

const short = (id: string) => (id.length > 16 ? `${id.slice(0, 8)}…${id.slice(-6)}` : id)

export const NodeScreen = ({ snap, core, hostState }: Props) => {
  const [diag, setDiag] = useState<Diagnostics>()
  useEffect(() => {
    void runDiagnostics().then(setDiag)
  }, [])
  const peers = (snap?.peers ?? []).filter((p) => p.transport !== undefined)
  return (
    <div class="screen">
      <section class="card">
        <h2>This node</h2>
        <div class="kv">
          <span>Peer id</span>
          <code class="mono wrap" data-testid="node-peer-id" title={snap?.peerId}>
            {snap?.peerId ?? ''}
          </code>
        </div>
        <div class="kv">
          <span>Status</span>
          <strong data-testid="node-status">{snap?.status ?? 'starting'}</strong>
        </div>
        <div class="kv">
          <span>Network</span>
          <span>{snap?.network || '—'}</span>
        </div>
        <div class="kv">
          <span>This tab</span>
          <span data-testid="node-hosting">{hostState.hosting ? 'hosts the network' : 'viewer'}</span>
        </div>
        <div class="kv">
          <span>Relays</span>
          <span>{snap?.relays ?? 0}</span>
        </div>
      </section>

      <LedgerCard ledger={snap?.services.ledger as LedgerStatusView | undefined} rpc={core.rpc} />
      <QuorumCard ledger={snap?.services.ledger as LedgerStatusView | undefined} rpc={core.rpc} />

      <section class="card">
        <h2>
          Peers{' '}
          <span class="count" data-testid="peer-count">
            {snap?.peerCount ?? 0}
          </span>
        </h2>
        <ul class="list" data-testid="peer-list">
          {peers.length === 0 && <li class="empty">No peers yet: waiting for other WATT nodes.</li>}
          {peers.map((p) => (
            <li
              key={p.peerId}
              class="row"
              data-testid="peer-item"
              data-peer-id={p.peerId}
              data-transport={p.transport}
              data-heartbeats={p.heartbeats}
            >
              <code class="mono" title={p.peerId}>
                {short(p.peerId)}
              </code>
              <span class={`tag tag-${p.transport}`}>{p.transport}</span>
              <span class="muted">{p.heartbeats} ♥</span>
            </li>
          ))}
        </ul>
      </section>

      <section class="card">
        <h2>Diagnostics</h2>
        <ul class="list">
          {CAPABILITIES.map(([id, label]) => {
            const v = diag?.[id]
            return (
              <li key={id} class="row" data-testid={`diag-${id}`}>
                {v === undefined ? 'checking' : v ? 'ok' : 'missing'}
                <span class="muted"> · {label}</span>
              </li>
            )
          })}
          <li class="row muted">
            core: <span data-testid="core-mode">{core.mode}</span> · heartbeats sent{' '}
            {snap?.heartbeatsSent ?? 0} · dropped{' '}
            {Object.values(snap?.drops ?? {}).reduce((a, b) => a + b, 0)}
          </li>
        </ul>
      </section>
    </div>
  )
}
