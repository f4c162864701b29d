// The Storage screen: the space this device offers (GiB) and what is used, storing a local file
// (its CID shown), the sectors with their state and sealing progress, the last proof-of-spacetime
// window, getting any file by CID (quoted, paid and verified block by block in the core) and
// serving what this device fetched (retrieval mining), checking providers' retrievals as a
// volunteer checker. State lives in
// the core's storage service; persistent storage is asked for here, the only place it exists.
// Below them, the market: this wallet's ask and the asks standing on the network.
import { useEffect, useState } from 'preact/hooks'
import type { StorageView } from '../../worker/storage/storage-view.ts'
import { RetrieveCard } from '../components/retrieve-card.tsx'
import { ChecksCard } from '../components/checks-card.tsx'
import { ServeCard } from '../components/serve-card.tsx'
import { formatBytes, GiB, useStorage } from '../components/storage-data.tsx'
import { StorageMarket } from '../components/storage-market.tsx'
import { StoragePost, StorageSectors } from '../components/storage-sectors.tsx'
import { describeError } from '../components/wallet-data.tsx'
import type { CoreConnection } from '../core-client.ts'

/** A store of a large file seals for minutes; the call answers once it is packed. */
const STORE_TIMEOUT_MS = 15 * 60_000

const Offer = ({ view, onSet }: { view: StorageView; onSet: (gib: string) => void }) => {
  const [text, setText] = useState(view.offerBytes > 0 ? String(view.offerBytes / GiB) : '')
  const [persisted, setPersisted] = useState<boolean>()
  useEffect(() => void navigator.storage?.persisted?.().then(setPersisted), [view.offerBytes])
  const used = view.offerBytes > 0 ? Math.min(1, view.usedBytes / view.offerBytes) : 0
  return (
    <section class="card">
      <h2>Space offered</h2>
      <div class="field">
        <label for="storage-offer">Offer (GiB)</label>
        <div class="actions">
          <input
            id="storage-offer"
            data-testid="storage-offer"
            type="number"
            inputMode="decimal"
            min="0"
            step="0.5"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onChange={(e) => onSet(e.currentTarget.value)}
          />
          <button type="button" class="btn" data-testid="storage-offer-save" onClick={() => onSet(text)}>
            Offer
          </button>
        </div>
      </div>
      <div class="kv">
        <span>Used</span>
        <span data-testid="storage-used">
          {formatBytes(view.usedBytes)} of {formatBytes(view.offerBytes)}
        </span>
      </div>
      <progress value={used} max={1} style="width:100%;accent-color:var(--accent)" />
      <div class="kv">
        <span>Persistent</span>
        <span class={persisted ? 'success' : 'muted'}>{persisted ? 'yes' : 'not granted'}</span>
      </div>
      <div class="kv">
        <span>Sector size</span>
        <span>{formatBytes(view.sectorSize)}</span>
      </div>
      <div class="kv">
        <span>Proof workers</span>
        <span data-testid="storage-workers">
          {view.compute.workers} · {view.compute.running} running · {view.compute.queued} queued
        </span>
      </div>
    </section>
  )
}

const StoreFile = ({ core }: { core: CoreConnection }) => {
  const [status, setStatus] = useState<{ cid?: string; text: string; error?: boolean }>({ text: '' })
  const store = async (file: File | undefined) => {
    if (!file) return
    setStatus({ text: `storing ${file.name} (${formatBytes(file.size)})…` })
    try {
      const r = await core.rpc.call('storage.store', { file }, STORE_TIMEOUT_MS)
      setStatus({ cid: r.cid, text: `stored ${formatBytes(r.size)}; sealing runs below` })
    } catch (e) {
      setStatus({ text: describeError(e), error: true })
    }
  }
  return (
    <section class="card">
      <h2>Store a file</h2>
      <p class="muted" style="margin-top:0">
        Imported as IPFS content (its CID below), packed into a sector and sealed on this device.
      </p>
      <label class="btn">
        Choose a file
        <input
          type="file"
          hidden
          data-testid="store-file"
          onChange={(e) => {
            void store(e.currentTarget.files?.[0])
            e.currentTarget.value = '' // the same file chosen again stores again
          }}
        />
      </label>
      <p class={status.error ? 'error' : 'muted'} data-testid="store-status">
        {status.text}
      </p>
      {status.cid && (
        <code class="mono wrap" data-testid="store-cid" style="display:block;text-align:left">
          {status.cid}
        </code>
      )}
    </section>
  )
}

export const StorageScreen = ({ core }: { core: CoreConnection }) => {
  const [view, setView] = useStorage(core.rpc)
  const [error, setError] = useState('')
  if (!view) return <div class="screen muted">Starting storage…</div>
  const setOffer = async (gib: string) => {
    const n = Number(gib)
    if (!(Number.isFinite(n) && n >= 0)) return setError('bad_offer')
    setError('')
    // the page alone can ask the browser not to evict what this node stores
    if (n > 0) await navigator.storage?.persist?.().catch(() => false)
    try {
      setView(await core.rpc.call('storage.setOffer', { offerBytes: Math.round(n * GiB) }))
    } catch (e) {
      setError(describeError(e))
    }
  }
  return (
    <div class="screen">
      <Offer view={view} onSet={(g) => void setOffer(g)} />
      {error && <p class="error">{error}</p>}
      <StoreFile core={core} />
      <StorageSectors sectors={view.sectors} />
      <StoragePost post={view.post} every={view.windowEveryLedgers} />
      <RetrieveCard rpc={core.rpc} files={view.files} />
      <ServeCard rpc={core.rpc} />
      <ChecksCard rpc={core.rpc} />
      <StorageMarket rpc={core.rpc} />
    </div>
  )
}
