// The sectors on this device with their state and sealing progress, and the last window proof.
// `sector-item` carries `data-state` and `data-comm-r`; `post-last` says `ok` or `failed`.
import type { PostView, SectorView } from '../../worker/storage/storage-view.ts'
import { shortId } from './wallet-data.tsx'

const STATE_COLOR: Record<string, string> = {
  packing: 'var(--muted)',
  sealing: 'var(--warn)',
  sealed: 'var(--accent)',
  proving: 'var(--ok)',
  faulty: 'var(--bad)',
}

const Sector = ({ s }: { s: SectorView }) => (
  <li
    class="row"
    data-testid="sector-item"
    data-state={s.state}
    data-comm-r={s.commR ?? ''}
    style="flex-wrap:wrap"
  >
    <span class="mono">#{s.sector}</span>
    <span class="tag" style={`color:${STATE_COLOR[s.state]}`} data-testid="sector-state">
      {s.state}
    </span>
    {s.state === 'sealing' && (
      <span class="muted" data-testid="sector-progress">
        layer {Math.max(1, s.layer)}/{s.layers} · {Math.round(s.fraction * 100)}%
      </span>
    )}
    <span class="muted">
      {s.pieces} blocks{s.error ? ` · ${s.error}` : ''}
      {s.resumedFromLayer ? ` · resumed at layer ${s.resumedFromLayer}` : ''}
    </span>
    {(s.state === 'sealing' || s.state === 'packing') && (
      <progress value={s.fraction} max={1} style="width:100%;accent-color:var(--accent)" />
    )}
    {s.commR && (
      <code class="mono muted" style="width:100%" title={s.commR}>
        CommR {shortId(s.commR, 12)}
        {s.sealProof ? ` · seal proof ${s.sealProof}` : ''}
      </code>
    )}
  </li>
)

export const StorageSectors = ({ sectors }: { sectors: readonly SectorView[] }) => (
  <section class="card">
    <h2>
      Sectors <span class="count">{sectors.length}</span>
    </h2>
    <ul class="list" data-testid="sector-list">
      {sectors.map((s) => (
        <Sector key={s.sector} s={s} />
      ))}
    </ul>
    {sectors.length === 0 && <p class="muted">No sectors yet: store a file to fill one.</p>}
  </section>
)

export const StoragePost = ({ post, every }: { post: PostView | null; every: number }) => (
  <section class="card">
    <h2>Proof of spacetime</h2>
    <p class="muted" style="margin-top:0">
      {every > 0
        ? `A window every ${every} closed ledgers, challenged by the ledger hash.`
        : 'No ledger yet: windows run on a local timer.'}
    </p>
    {post === null ? (
      <p class="muted" data-testid="post-last">
        no window yet
      </p>
    ) : (
      <div data-testid="post-last">
        <div class="big" style={`color:${post.ok ? 'var(--ok)' : 'var(--bad)'}`}>
          {post.ok ? 'ok' : 'failed'}
        </div>
        <div class="kv">
          <span>Window</span>
          <span>
            #{post.window} ·{' '}
            {post.source === 'ledger' ? `ledger ${post.ledgerSeq ?? ''}` : 'local timer (no ledger closed)'}
          </span>
        </div>
        <div class="kv">
          <span>Proven</span>
          <span>
            {post.proven.length} sectors · {post.proofBytes} B ·{' '}
            {post.verified ? 'verified' : 'did not verify'}
          </span>
        </div>
        {post.faulty.map((f) => (
          <div class="kv" key={f.sector}>
            <span>Faulty</span>
            <span class="error">
              #{f.sector} {f.code}
            </span>
          </div>
        ))}
      </div>
    )}
  </section>
)
