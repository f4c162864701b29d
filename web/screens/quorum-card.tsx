// The node's quorum set — its own choice of whom it trusts — with the health of the network it
// can see, and an editor that shows the health of a proposed set before it is saved.
import { useState } from 'preact/hooks'
import type { QuorumSet } from '../../shared/scp/index.ts'
import type { WattError } from '../../shared/util/errors.ts'
import type { LedgerStatusView } from '../../worker/node/ledger-service.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'

interface Draft {
  threshold: string
  validators: string
  innerSets: string
}

const toDraft = (q: QuorumSet): Draft => ({
  threshold: String(q.threshold),
  validators: q.validators.join('\n'),
  innerSets: JSON.stringify(q.innerSets),
})

const fromDraft = (d: Draft): QuorumSet => ({
  threshold: Number(d.threshold),
  validators: d.validators
    .split(/\s+/)
    .map((v) => v.trim())
    .filter(Boolean) as unknown as QuorumSet['validators'],
  innerSets: d.innerSets.trim() ? (JSON.parse(d.innerSets) as QuorumSet[]) : [],
})

const short = (id: string) => (id.length > 20 ? `${id.slice(0, 10)}…${id.slice(-8)}` : id)

/** Watchers that asked to become validators; admitting one is checked by the quorum analysis. */
const Requests = ({ ledger, rpc }: { ledger: LedgerStatusView; rpc: CoreRpc }) => {
  const [verdict, setVerdict] = useState<string>()
  if (ledger.validatorRequests.length === 0) return null
  const admit = (nodeId: string) =>
    rpc.call('validator.admit', { nodeId }).then(
      () => setVerdict(undefined),
      (e: WattError) => setVerdict(`not admitted: ${e.code}${e.health ? ` (${String(e.health)})` : ''}`),
    )
  return (
    <div data-testid="validator-requests">
      <h3>Asking to validate</h3>
      <ul class="list">
        {ledger.validatorRequests.map((r) => (
          <li key={r.nodeId} class="row" data-testid="validator-request-item" data-node-id={r.nodeId}>
            <code class="mono" title={r.nodeId}>
              {short(r.nodeId)}
            </code>
            <button
              type="button"
              class="btn secondary"
              data-testid="validator-admit"
              onClick={() => void admit(r.nodeId)}
            >
              Admit
            </button>
          </li>
        ))}
      </ul>
      {verdict && <p class="error">{verdict}</p>}
    </div>
  )
}

export const QuorumCard = ({ ledger, rpc }: { ledger: LedgerStatusView | undefined; rpc: CoreRpc }) => {
  const [draft, setDraft] = useState<Draft>()
  const [verdict, setVerdict] = useState<string>()
  const edit = (d: Draft) => {
    setDraft(d)
    let q: QuorumSet
    try {
      q = fromDraft(d)
    } catch {
      setVerdict('inner sets: not valid JSON')
      return
    }
    rpc.call('quorum.analyze', { quorumSet: q }).then(
      (r) => setVerdict(r.health),
      (e: WattError) => setVerdict(`invalid: ${e.code}${e.reason ? ` (${String(e.reason)})` : ''}`),
    )
  }
  const save = async () => {
    if (!draft) return
    try {
      await rpc.call('quorum.set', { quorumSet: fromDraft(draft) })
      setDraft(undefined)
      setVerdict(undefined)
    } catch (e) {
      setVerdict(`not saved: ${(e as WattError).code ?? String(e)}`)
    }
  }
  return (
    <section class="card">
      <h2>Quorum set</h2>
      <div class="kv">
        <span>Health</span>
        <strong data-testid="quorum-health">{ledger?.quorumHealth ?? 'checking'}</strong>
      </div>
      <pre class="mono wrap qset" data-testid="quorum-set">
        {ledger ? JSON.stringify(ledger.quorumSet, null, 1) : ''}
      </pre>
      {ledger && <Requests ledger={ledger} rpc={rpc} />}
      {!draft && (
        <button
          type="button"
          class="btn secondary"
          data-testid="quorum-edit"
          disabled={!ledger}
          onClick={() => ledger && edit(toDraft(ledger.quorumSet))}
        >
          Edit quorum set
        </button>
      )}
      {draft && (
        <div class="editor">
          <div class="field">
            <label for="q-threshold">Threshold</label>
            <input
              id="q-threshold"
              data-testid="quorum-threshold"
              inputMode="numeric"
              value={draft.threshold}
              onInput={(e) => edit({ ...draft, threshold: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="q-validators">Validators (one address per line)</label>
            <textarea
              id="q-validators"
              data-testid="quorum-validators"
              rows={5}
              value={draft.validators}
              onInput={(e) => edit({ ...draft, validators: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for="q-inner">Inner sets (JSON)</label>
            <textarea
              id="q-inner"
              rows={2}
              value={draft.innerSets}
              onInput={(e) => edit({ ...draft, innerSets: e.currentTarget.value })}
            />
          </div>
          <p
            data-testid="quorum-proposal-health"
            class={verdict?.startsWith('intersecting') ? 'success' : 'error'}
          >
            {verdict ?? 'checking'}
          </p>
          <div class="actions">
            <button type="button" class="btn" data-testid="quorum-save" onClick={() => void save()}>
              Save
            </button>
            <button type="button" class="btn secondary" onClick={() => setDraft(undefined)}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </section>
  )
}
