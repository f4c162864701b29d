// The wallet's history: newest first, one row per transaction with its direction, amount,
// counterparty and where it stands.
import type { HistoryRow } from '../../worker/wallet/wallet-view.ts'
import { shortId } from './wallet-data.tsx'

const stateLabel = (r: HistoryRow): string =>
  r.state === 'applied'
    ? `ledger ${r.ledger}`
    : r.state === 'rejected'
      ? `${r.code} · ledger ${r.ledger}`
      : r.state === 'dropped'
        ? `dropped · ${r.code}`
        : r.state

export const WalletHistory = ({ rows }: { rows: readonly HistoryRow[] }) => (
  <section class="card">
    <h2>
      History <span class="count">{rows.length}</span>
    </h2>
    <ul class="list" data-testid="tx-history">
      {rows.length === 0 && <li class="empty">No transactions yet.</li>}
      {rows.map((r) => (
        <li
          key={r.id}
          class="row"
          data-testid="tx-item"
          data-id={r.id}
          data-dir={r.dir}
          data-state={r.state}
          data-amount={r.amount}
        >
          <span class={r.dir === 'in' ? 'success' : ''} style="min-width:5.5em;font-weight:700">
            {r.dir === 'in' ? '+' : '−'}
            {r.amount}
          </span>
          <code class="mono muted" title={r.counterparty}>
            {r.dir === 'in' ? 'from ' : 'to '}
            {shortId(r.counterparty, 5)}
          </code>
          <span
            class={`tag ${r.state === 'applied' ? 'tag-webrtc' : r.state === 'pending' ? 'tag-relay' : 'error'}`}
          >
            {stateLabel(r)}
          </span>
        </li>
      ))}
    </ul>
  </section>
)
