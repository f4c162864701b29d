// The consensus and ledger card of the Node screen: the last closed ledger, this node's role
// and SCP phase, and its quorum set with its health.
import type { LedgerStatusView } from '../../worker/node/ledger-service.ts'

const short = (h: string) => (h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-8)}` : h)

export const LedgerCard = ({ ledger }: { ledger: LedgerStatusView | undefined }) => (
  <section class="card">
    <h2>Consensus</h2>
    <div class="kv">
      <span>Ledger</span>
      <strong data-testid="ledger-seq">{ledger?.seq ?? 0}</strong>
    </div>
    <div class="kv">
      <span>Hash</span>
      <code class="mono" data-testid="ledger-hash" title={ledger?.hash}>
        {ledger ? ledger.hash : ''}
      </code>
    </div>
    <div class="kv">
      <span>Last close</span>
      <span>
        <span data-testid="ledger-close-ms">{ledger?.closeMs ?? '—'}</span> ms
      </span>
    </div>
    <div class="kv">
      <span>Role</span>
      <span data-testid="node-role">{ledger?.role ?? 'watcher'}</span>
    </div>
    <div class="kv">
      <span>SCP phase</span>
      <span data-testid="scp-phase">{ledger?.phase ?? 'idle'}</span>
    </div>
    <div class="kv">
      <span>Fee pool</span>
      <span data-testid="fee-pool">{ledger?.feePool ?? '0'}</span>
    </div>
    <div class="kv">
      <span>Node address</span>
      <code class="mono" title={ledger?.nodeId}>
        {short(ledger?.nodeId ?? '')}
      </code>
    </div>
    <details class="muted">
      <summary>Counters</summary>
      <code class="mono wrap" data-testid="ledger-counters">
        {JSON.stringify({
          mempool: ledger?.mempool,
          ...ledger?.counters,
          scp: (ledger as { scp?: unknown })?.scp,
        })}
      </code>
    </details>
  </section>
)
