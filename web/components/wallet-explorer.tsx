// A small explorer: the last closed ledger (sequence, hash, fee pool) and the recent ledgers the
// node closed or followed, refreshed whenever a new ledger closes.
import { useEffect, useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { LedgerSummary, WalletView } from '../../worker/wallet/wallet-view.ts'
import { shortId } from './wallet-data.tsx'

const RECENT = 10

export const WalletExplorer = ({ rpc, view }: { rpc: CoreRpc; view: WalletView }) => {
  const [recent, setRecent] = useState<LedgerSummary[]>([])
  const seq = view.ledger?.seq
  useEffect(() => {
    if (seq === undefined) return
    let alive = true
    rpc.call('wallet.ledgers', { limit: RECENT }, 5000).then(
      (r) => alive && setRecent(r),
      () => {},
    )
    return () => {
      alive = false
    }
  }, [rpc, seq])
  const l = view.ledger
  return (
    <section class="card wide">
      <h2>Ledger</h2>
      {!l && <p class="empty">No ledger yet: this node has not joined a network.</p>}
      {l && (
        <>
          <div class="kv">
            <span>Sequence</span>
            <strong data-testid="ledger-seq">{l.seq}</strong>
          </div>
          <div class="kv">
            <span>Hash</span>
            <code class="mono wrap" data-testid="ledger-hash" title={l.hash}>
              {l.hash}
            </code>
          </div>
          <div class="kv">
            <span>Fee pool</span>
            <span>
              <span data-testid="ledger-fee-pool">{l.feePool}</span> WATT
            </span>
          </div>
        </>
      )}
      <ul class="list" data-testid="ledger-list">
        {recent.map((r) => (
          <li key={r.hash} class="row" data-testid="ledger-item" data-seq={r.seq}>
            <strong style="min-width:3.5em">#{r.seq}</strong>
            <code class="mono muted" title={r.hash}>
              {shortId(r.hash, 6)}
            </code>
            <span class="muted">
              {r.txCount} tx · {new Date(r.closeTimeMs).toLocaleTimeString()}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
