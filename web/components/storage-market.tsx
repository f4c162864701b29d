// The Storage screen's market card (issue 13, item 8, the provider's side): this wallet's ask
// (price per GiB per day, collateral per GiB, capacity), what it holds in the market and has
// earned, and the asks standing on the network, cheapest first, as every node reads them from
// the ledger. Posting deposits the collateral the capacity needs (the core works it out). Above
// it, the client's side: storing a file on the network and its replicas (storage-deals.tsx).
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { MarketView } from '../../worker/market/market-view.ts'
import { useCoreView } from '../use-core-view.ts'
import { shortAddress, wattOf } from './mine-data.tsx'
import { DealForm, MyFiles, ProviderDeals } from './storage-deals.tsx'
import { formatBytes, GiB } from './storage-data.tsx'
import { describeError } from './wallet-data.tsx'

const MAX_ASKS_SHOWN = 20

const txLine = (v: MarketView): string => {
  const t = v.txs.filter((x) => x.kind === 'postAsk').at(-1)
  if (!t) return ''
  if (t.state === 'pending') return 'ask sent: waiting for the next ledger…'
  if (t.state === 'applied') return `ask on the ledger (ledger ${t.ledger})`
  return `ask not taken (${t.code ?? t.state}): check the amounts and your balance, then post again.`
}

const AskForm = ({ rpc, view }: { rpc: CoreRpc; view: MarketView }) => {
  const mine = view.provider?.ask
  const [price, setPrice] = useState(mine ? wattOf(mine.price).replace(/,/g, '') : '')
  const [collateral, setCollateral] = useState(mine ? wattOf(mine.collateral).replace(/,/g, '') : '')
  const [gib, setGib] = useState(mine ? String(mine.capacity / GiB) : '')
  const [error, setError] = useState('')
  const post = async () => {
    const n = Number(gib.replace(',', '.'))
    if (!(Number.isFinite(n) && n >= 0))
      return setError('Capacity: type how many GiB you offer, for example 0.5.')
    setError('')
    try {
      await rpc.call('market.postAsk', {
        price: price.replace(',', '.'),
        collateral: collateral.replace(',', '.'),
        capacity: Math.round(n * GiB),
      })
    } catch (e) {
      setError(describeError(e))
    }
  }
  const field = (id: string, label: string, value: string, set: (s: string) => void) => (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        data-testid={id}
        inputMode="decimal"
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </div>
  )
  return (
    <form
      data-testid="ask-form"
      onSubmit={(e) => {
        e.preventDefault()
        void post()
      }}
    >
      {field('ask-price', 'Price (WATT per GiB per day)', price, setPrice)}
      {field('ask-collateral', 'Collateral (WATT per GiB)', collateral, setCollateral)}
      {field('ask-capacity', 'Capacity (GiB)', gib, setGib)}
      <button type="submit" class="btn" data-testid="ask-submit" disabled={!view.address}>
        {mine ? 'Update the ask' : 'Post the ask'}
      </button>
      {!view.address && <p class="muted">Create a wallet first: asks are signed with it.</p>}
      {error && <p class="error">{error}</p>}
      <p class="muted" data-testid="ask-status">
        {txLine(view)}
      </p>
    </form>
  )
}

const Asks = ({ view }: { view: MarketView }) => (
  <ul class="list" data-testid="ask-list">
    {view.asks.length === 0 && <li class="empty">No provider offers space yet.</li>}
    {view.asks.slice(0, MAX_ASKS_SHOWN).map((a) => (
      <li
        key={a.provider}
        class="row"
        data-testid="ask-item"
        data-provider={a.provider}
        data-price={a.price}
        data-capacity={a.capacity}
      >
        <code class="mono" title={a.provider}>
          {a.provider === view.address ? 'you' : shortAddress(a.provider)}
        </code>
        <span class="muted">{formatBytes(a.capacity)}</span>
        <strong style="margin-left:auto;white-space:nowrap">{wattOf(a.price)} WATT / GiB·day</strong>
      </li>
    ))}
  </ul>
)

export const StorageMarket = ({ rpc }: { rpc: CoreRpc }) => {
  const [view] = useCoreView(rpc, 'market', 'market.view', 3000)
  if (!view?.ready) return null
  const p = view.provider
  return (
    <>
      <section class="card" data-testid="deal-card">
        <h2>Store on the network</h2>
        <p class="muted" style="margin-top:0">
          Providers you do not have to trust keep copies; each proves on the ledger that it still holds its
          copy, and is paid from your escrow only for proven periods.
        </p>
        <DealForm rpc={rpc} view={view} />
        <h2 style="margin-top:20px">My files</h2>
        <MyFiles view={view} />
      </section>
      <section class="card" data-testid="market-card">
        <h2>Offer space on the network</h2>
        <p class="muted" style="margin-top:0">
          Clients pay for each proven period from escrow; your collateral answers for the space you offer.
        </p>
        <AskForm rpc={rpc} view={view} />
        <div class="kv">
          <span>Collateral held</span>
          <span data-testid="provider-collateral" data-amount={p?.free ?? '0'}>
            {wattOf(p?.free)} WATT
          </span>
        </div>
        <div class="kv">
          <span>Earned</span>
          <span data-testid="provider-earnings" data-amount={p?.earned ?? '0'}>
            {wattOf(p?.earned)} WATT
          </span>
        </div>
        <h2 style="margin-top:20px">Deals with you</h2>
        <ProviderDeals rpc={rpc} view={view} />
        <h2 style="margin-top:20px">Asks on the network</h2>
        <Asks view={view} />
      </section>
    </>
  )
}
