// Serve: retrieval mining. With it on, this device keeps what it fetches in a cache of the size the
// user gives, tells the network it holds it, and serves it; the stats show what it served and
// earned. The price is typed in WATT per MiB and kept as whole base units per byte (what vouchers
// count), so it is rounded to the nearest unit a byte and the card says what it became; 0 serves
// for free. Clients pay it through payment channels, and what redeemed vouchers paid is earned.
import { useState } from 'preact/hooks'
import { parseWatt } from '../../shared/ledger/amount.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { ServeStats } from '../../worker/retrieval/retrieval-api.ts'
import { useCoreView } from '../use-core-view.ts'
import { wattOf } from './mine-data.tsx'
import { formatBytes, GiB } from './storage-data.tsx'
import { describeError } from './wallet-data.tsx'

const Stats = ({ view }: { view: ServeStats }) => (
  <div data-testid="serve-stats" data-bytes={view.bytesServed} data-earned={view.earned}>
    <div class="kv">
      <span>Served</span>
      <span>{formatBytes(view.bytesServed)}</span>
    </div>
    <div class="kv">
      <span>Earned</span>
      <span>{wattOf(view.earned)} WATT</span>
    </div>
    <div class="kv">
      <span>Cache</span>
      <span>
        {formatBytes(view.usedBytes)} of {formatBytes(view.budgetBytes)} · {view.items} file
        {view.items === 1 ? '' : 's'}
      </span>
    </div>
  </div>
)

const MiB = 1n << 20n

/** Base units per byte for a price in WATT per MiB (nearest unit), or the sentence why not. */
const pricePerByteOf = (text: string): bigint | string => {
  const r = parseWatt(text.replace(',', '.') || '0')
  if (!r.ok) return 'Type the price in WATT per MiB, like 0.5, or 0 to serve for free.'
  const perByte = (r.value + MiB / 2n) / MiB
  return r.value > 0n && perByte === 0n
    ? `The smallest price is ${wattOf(MiB.toString())} WATT per MiB (one base unit a byte); type 0 to serve for free.`
    : perByte
}

const perMiB = (perByte: string) => wattOf((BigInt(perByte) * MiB).toString())

/** A labelled decimal input; its id is also its data-testid. */
const TextField = (p: { id: string; label: string; value: string; onInput: (v: string) => void }) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <input
      id={p.id}
      data-testid={p.id}
      type="text"
      inputMode="decimal"
      value={p.value}
      onInput={(e) => p.onInput(e.currentTarget.value)}
    />
  </div>
)

const ServeForm = ({
  rpc,
  view,
  onSaved,
}: {
  rpc: CoreRpc
  view: ServeStats
  onSaved: (v: ServeStats) => void
}) => {
  const [budget, setBudget] = useState(view.budgetBytes > 0 ? String(view.budgetBytes / GiB) : '1')
  const [price, setPrice] = useState(perMiB(view.pricePerByte).replace(/,/g, ''))
  const [unseal, setUnseal] = useState(perMiB(view.unsealPricePerByte).replace(/,/g, ''))
  const [error, setError] = useState('')
  const save = async (enabled: boolean) => {
    const gib = Number(budget.replace(',', '.'))
    if (!(Number.isFinite(gib) && gib >= 0)) return setError('Type the cache size in GiB, like 0.5 or 2.')
    const perByte = pricePerByteOf(price)
    if (typeof perByte === 'string') return setError(perByte)
    const unsealPerByte = pricePerByteOf(unseal)
    if (typeof unsealPerByte === 'string') return setError(`Unsealing: ${unsealPerByte}`)
    setError('')
    try {
      const params = {
        enabled,
        budgetBytes: Math.round(gib * GiB),
        pricePerByte: perByte.toString(),
        unsealPricePerByte: unsealPerByte.toString(),
      }
      onSaved(await rpc.call('retrieval.serve.set', params, 10_000))
    } catch (e) {
      setError(describeError(e))
    }
  }
  return (
    <div class="stack">
      <label class="row">
        <input
          type="checkbox"
          data-testid="serve-toggle"
          checked={view.enabled}
          onChange={(e) => void save(e.currentTarget.checked)}
        />
        <span>Serve what I fetch</span>
      </label>
      <TextField id="serve-budget" label="Cache size (GiB)" value={budget} onInput={setBudget} />
      <TextField id="serve-price" label="Price (WATT per MiB served)" value={price} onInput={setPrice} />
      <TextField
        id="serve-unseal-price"
        label="Extra for unsealing a deal's data (WATT per MiB)"
        value={unseal}
        onInput={setUnseal}
      />
      <p class="muted" data-testid="serve-price-now" data-price={view.pricePerByte}>
        {view.pricePerByte === '0'
          ? 'You serve for free'
          : `You ask ${perMiB(view.pricePerByte)} WATT per MiB`}
        {view.unsealPricePerByte === '0'
          ? '.'
          : `, and ${perMiB(view.unsealPricePerByte)} WATT per MiB more for data you unseal from a deal.`}
      </p>
      <div class="actions">
        <button type="button" class="btn" data-testid="serve-save" onClick={() => void save(view.enabled)}>
          Save
        </button>
      </div>
      {error && <p class="error">{error}</p>}
    </div>
  )
}

export const ServeCard = ({ rpc }: { rpc: CoreRpc }) => {
  const [view, setView] = useCoreView(rpc, 'serve', 'retrieval.serve.get', 5000)
  return (
    <section class="card">
      <h2>Serve</h2>
      <p class="muted" style="margin-top:0">
        Keep what you fetch and serve it to whoever asks by its CID, within the space you give. Files you
        store are always served, at the price you set here; clients pay as the bytes arrive.
      </p>
      {view ? (
        <>
          <ServeForm rpc={rpc} view={view} onSaved={setView} />
          <Stats view={view} />
        </>
      ) : (
        <p class="muted">Starting…</p>
      )}
    </section>
  )
}
