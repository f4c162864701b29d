// The consensus and ledger card of the Node screen: the last closed ledger, this node's role
// and SCP phase; a watcher can ask here to become a validator and follow its request.
import { useState } from 'preact/hooks'
import type { WattError } from '../../shared/util/errors.ts'
import type { LedgerStatusView } from '../../worker/node/ledger-service.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'

const short = (h: string) => (h.length > 20 ? `${h.slice(0, 10)}…${h.slice(-8)}` : h)

const REQUEST_TEXT = {
  requested: 'validating; asked the network to trust this node, waiting for an operator to admit it',
  admitted: 'validating; trusted by',
} as const

const ValidatorRequest = ({ ledger, rpc }: { ledger: LedgerStatusView; rpc: CoreRpc }) => {
  const [problem, setProblem] = useState<string>()
  const state = ledger.validatorRequest
  if (state === 'none' && ledger.role === 'validator') return null
  const ask = () =>
    rpc.call('validator.request').then(
      () => setProblem(undefined),
      (e: WattError) => setProblem(`request failed: ${e.code ?? String(e)}`),
    )
  return (
    <div class="kv">
      <span>Validator request</span>
      {state === 'none' ? (
        <button
          type="button"
          class="btn secondary"
          data-testid="validator-request"
          onClick={() => void ask()}
        >
          Ask to become a validator
        </button>
      ) : (
        <span data-testid="validator-request-state" data-state={state}>
          {state === 'admitted' ? `${REQUEST_TEXT.admitted} ${ledger.trustedBy}` : REQUEST_TEXT.requested}
        </span>
      )}
      {problem && <span class="error">{problem}</span>}
    </div>
  )
}

export const LedgerCard = ({ ledger, rpc }: { ledger: LedgerStatusView | undefined; rpc: CoreRpc }) => (
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
    {ledger && <ValidatorRequest ledger={ledger} rpc={rpc} />}
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
