// The Storage screen's deals (issue 13, item 8). "Store on the network": choose a file, the
// replicas and the days, see the price from the current asks before paying, then follow each
// replica's state in "My files"; or post a bid with the most it pays and let the ledger match
// the cheapest providers (a row per copy asked for until then). For providers, the replicas they
// hold: the data arriving, the sealing progress, proofs and faults, what each has paid, and when
// the next proof is due (a closed tab faults there), and a button to hand an active replica over
// to another provider.
import { useEffect, useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { DealRow } from '../../worker/market/deal-rows.ts'
import type { MarketView } from '../../worker/market/market-view.ts'
import { shortAddress, wattOf } from './mine-data.tsx'
import { formatBytes } from './storage-data.tsx'
import { describeError } from './wallet-data.tsx'

/** Importing and hashing a large file takes a while before the deal is signed. */
const STORE_TIMEOUT_MS = 10 * 60_000
const MAX_ROWS = 50

type Side = 'client' | 'provider'

const STATE_TEXT: Record<DealRow['state'], string> = {
  proposed: 'published, waiting for the ledger',
  transferring: 'sending the data',
  sealing: 'provider is sealing',
  active: 'stored and proven',
  faulty: 'a proof was missed',
  terminated: 'ended',
  expired: 'term over',
}

/** Why a replica ended, as each side sees it (the ledger's reason). */
const END_TEXT: Record<string, Record<Side, string>> = {
  faults: {
    client: 'ended after missed proofs: unspent escrow refunded',
    provider: 'ended after missed proofs: the collateral left was slashed',
  },
  not_activated: {
    client: 'not sealed in time: escrow refunded',
    provider: 'not sealed in time: a penalty was taken from the collateral',
  },
  rejected: {
    client: 'refused by the provider: escrow refunded',
    provider: 'refused: the data did not match',
  },
  handed_over: {
    client: 'handed over to another provider',
    provider: 'handed over: collateral freed',
  },
  predecessor_ended: {
    client: 'hand-over called off: the first copy ended',
    provider: 'hand-over called off: the first copy ended; collateral freed',
  },
}

const HAND_OVER_TEXT: Record<NonNullable<DealRow['handOver']>, Record<Side, string>> = {
  offered: { client: 'its provider offered it to another', provider: 'offered to another provider' },
  taken: {
    client: 'moving to another provider',
    provider: 'another provider is taking it over; keep proving until it has',
  },
  taking: { client: 'a new provider is taking it over', provider: 'taking over from another provider' },
}

const stateText = (row: DealRow, side: Side): string => {
  if (row.bid) return BID_TEXT[row.bid]
  const ended = row.state === 'terminated' || row.state === 'expired'
  const base = (ended && END_TEXT[row.reason]?.[side]) || STATE_TEXT[row.state]
  return row.handOver ? `${base} · ${HAND_OVER_TEXT[row.handOver][side]}` : base
}

/** What a transfer or proof step's error code means to the person looking at the row. */
const ROW_ERROR_TEXT: Record<string, string> = {
  no_connection: 'no direct link to the provider yet; trying again shortly',
  stream_failed: 'the link to the provider dropped; trying again shortly',
  busy: 'the provider is busy; trying again shortly',
  timeout: 'the provider did not answer; trying again shortly',
  hash_mismatch: 'the provider refused a block that does not match the file',
  bad_block: 'the provider refused a block that does not match the file',
  missing_sector: "this device no longer has the sector's data: proofs will fail",
  unreadable: "this device cannot read the sector's data: proofs will fail",
  insufficient_balance: 'not enough WATT for the transaction fee: add some to go on',
  wallet_locked: 'unlock the wallet to go on',
}
const rowErrorText = (code: string) => ROW_ERROR_TEXT[code] ?? `could not go on (${code}); it is tried again`

const useQuote = (rpc: CoreRpc, size: number, replicas: number, days: number) => {
  const [quote, setQuote] = useState<{ amount?: string; clientCollateral?: string; error?: string }>({})
  useEffect(() => {
    if (size <= 0) return setQuote({})
    let live = true
    rpc.call('market.quote', { size, replicas, days }).then(
      (q) => live && setQuote({ amount: q.amount, clientCollateral: q.clientCollateral }),
      (e) => live && setQuote({ error: describeError(e) }),
    )
    return () => {
      live = false
    }
  }, [rpc, size, replicas, days])
  return quote
}

/** A client's deal asked for by a bid, until its providers join (deal-rows.ts). */
const BID_TEXT: Record<NonNullable<DealRow['bid']>, string> = {
  open: 'bid posted: waiting for the network to match providers at your price',
  matched: 'bid matched: the providers are joining',
  expired: 'no provider matched the bid at that price: the lock was refunded',
  cancelled: 'bid cancelled: the lock was refunded',
  refused: 'the network did not take the bid',
}

const intField = (id: string, label: string, value: number, set: (n: number) => void, max: number) => (
  <div class="field">
    <label for={id}>{label}</label>
    <input
      id={id}
      data-testid={id}
      type="number"
      inputMode="numeric"
      min="1"
      max={max}
      value={value}
      onInput={(e) => set(Math.max(1, Math.min(max, Math.floor(Number(e.currentTarget.value) || 1))))}
    />
  </div>
)

/**
 * The other way to store: name only the most you pay per GiB per day and let the ledger's close
 * step pick the cheapest able providers (a bid); the lock is the worst case, the rest comes back.
 */
const BidOption = ({
  rpc,
  terms,
  onStatus,
}: {
  rpc: CoreRpc
  terms: { file: File; replicas: number; days: number } | undefined
  onStatus: (s: { text: string; error?: boolean }) => void
}) => {
  const [maxPrice, setMaxPrice] = useState('')
  const bid = async () => {
    if (!terms) return
    onStatus({ text: `preparing ${terms.file.name} (${formatBytes(terms.file.size)})…` })
    try {
      const r = await rpc.call(
        'market.bid',
        { ...terms, maxPrice: maxPrice.replace(',', '.') },
        STORE_TIMEOUT_MS,
      )
      onStatus({
        text: `bid posted: ${wattOf(r.locked)} WATT locked at most; what the matched asks leave over comes back.`,
      })
    } catch (e) {
      onStatus({ text: describeError(e), error: true })
    }
  }
  return (
    <details data-testid="bid-form">
      <summary class="bid-summary">Or let the network choose the providers</summary>
      <div class="field">
        <label for="bid-max-price">Most you pay (WATT per GiB per day)</label>
        <input
          id="bid-max-price"
          data-testid="bid-max-price"
          inputMode="decimal"
          value={maxPrice}
          onInput={(e) => setMaxPrice(e.currentTarget.value)}
        />
      </div>
      <button
        type="button"
        class="btn secondary"
        data-testid="bid-submit"
        disabled={!terms || maxPrice.trim() === ''}
        onClick={() => void bid()}
      >
        Post a bid
      </button>
    </details>
  )
}

export const DealForm = ({ rpc, view }: { rpc: CoreRpc; view: MarketView }) => {
  const [file, setFile] = useState<File>()
  const [replicas, setReplicas] = useState(2)
  const maxDays = Math.max(
    1,
    Math.floor((view.limits.maxDealPeriods * view.limits.periodMs) / view.limits.dayMs),
  )
  const [days, setDays] = useState(Math.min(30, maxDays))
  const [status, setStatus] = useState<{ text: string; error?: boolean }>({ text: '' })
  const quote = useQuote(rpc, file?.size ?? 0, replicas, days)
  const submit = async () => {
    if (!file) return setStatus({ text: 'Choose a file first.', error: true })
    setStatus({ text: `preparing ${file.name} (${formatBytes(file.size)})…` })
    try {
      const r = await rpc.call('market.store', { file, replicas, days }, STORE_TIMEOUT_MS)
      setStatus({ text: `deal sent: ${wattOf(r.amount)} WATT locked in escrow; follow it under My files.` })
    } catch (e) {
      setStatus({ text: describeError(e), error: true })
    }
  }
  return (
    <form
      data-testid="deal-form"
      onSubmit={(e) => {
        e.preventDefault()
        void submit()
      }}
    >
      <label class="btn secondary">
        {file ? `${file.name} · ${formatBytes(file.size)}` : 'Choose a file'}
        <input
          type="file"
          hidden
          data-testid="deal-file"
          onChange={(e) => setFile(e.currentTarget.files?.[0])}
        />
      </label>
      {intField('deal-replicas', 'Copies (providers)', replicas, setReplicas, view.limits.maxReplicas || 8)}
      {intField('deal-days', 'Days', days, setDays, Math.min(3650, maxDays))}
      <div class="kv">
        <span>Price</span>
        <span data-testid="deal-quote" data-amount={quote.amount ?? ''}>
          {quote.amount
            ? `${wattOf(quote.amount)} WATT`
            : quote.error
              ? 'no price'
              : file
                ? 'asking the network…'
                : 'choose a file'}
        </span>
      </div>
      {quote.clientCollateral && (
        <div class="kv">
          <span>Refundable collateral</span>
          <span data-testid="deal-collateral" data-amount={quote.clientCollateral}>
            {`${wattOf(quote.clientCollateral)} WATT`}
          </span>
        </div>
      )}
      {quote.error && <p class="error">{quote.error}</p>}
      <button type="submit" class="btn" data-testid="deal-submit" disabled={!view.address || !quote.amount}>
        Store on the network
      </button>
      <BidOption
        rpc={rpc}
        terms={file && view.address ? { file, replicas, days } : undefined}
        onStatus={setStatus}
      />
      {!view.address && <p class="muted">Create a wallet first: deals are paid from it.</p>}
      <p class={status.error ? 'error' : 'muted'} data-testid="deal-status">
        {status.text}
      </p>
    </form>
  )
}

/** A provider hands an active replica over to another provider (hand-overs.ts). */
const HandOverButton = ({ rpc, row }: { rpc: CoreRpc; row: DealRow }) => {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const go = async () => {
    setBusy(true)
    setError('')
    try {
      await rpc.call('market.handOver', { deal: row.dealId!, replica: row.replica })
    } catch (e) {
      setError(describeError(e))
    }
    setBusy(false)
  }
  return (
    <>
      <button type="button" class="btn secondary" data-testid="deal-hand-over" disabled={busy} onClick={go}>
        Hand over
      </button>
      {error && <span class="error">{error}</span>}
    </>
  )
}

const DealItem = ({ row, mine, rpc }: { row: DealRow; mine: Side; rpc?: CoreRpc }) => (
  <li
    class="row deal-row"
    data-testid="deal-item"
    data-cid={row.cid}
    data-deal-id={row.dealId === undefined ? '' : String(row.dealId)}
    data-state={row.state}
    data-provider={row.provider}
  >
    <div class="deal-main">
      <strong class="wrap">{row.name || shortAddress(row.cid)}</strong>
      <span class="muted">
        {formatBytes(row.size)} ·{' '}
        {mine === 'provider'
          ? `deal ${row.dealId}`
          : row.provider
            ? `provider ${shortAddress(row.provider)}`
            : 'provider to be matched'}
      </span>
      <span class={row.state === 'faulty' || row.state === 'terminated' ? 'error' : 'muted'}>
        {stateText(row, mine)}
        {row.state === 'transferring' && row.moved > 0 ? ` (${formatBytes(row.moved)})` : ''}
        {row.error ? ` · ${row.bid ? describeError({ code: row.error }) : rowErrorText(row.error)}` : ''}
      </span>
      {row.state === 'sealing' && row.sealed !== undefined && (
        <progress value={row.sealed} max={1} style="width:100%;accent-color:var(--accent)" />
      )}
      {rpc && row.state === 'active' && !row.handOver && <HandOverButton rpc={rpc} row={row} />}
    </div>
    {!row.bid && (
      <span class="deal-paid" data-amount={row.paid}>
        {wattOf(row.paid)} / {wattOf(row.total)} WATT
        {row.faults > 0 ? ` · ${row.faults} missed` : ''}
      </span>
    )}
  </li>
)

const deadlineLine = (v: MarketView): string => {
  const d = v.nextDeadline
  if (!d) return ''
  const s = Math.max(0, Math.round(d.inMs / 1000))
  return `Next proof due in about ${s} s (ledger ${d.ledger}). Keep this tab open: a closed tab misses it and pays a fault fee.`
}

export const MyFiles = ({ view }: { view: MarketView }) => (
  <ul class="list" data-testid="deal-list">
    {view.deals.length === 0 && <li class="empty">No files on the network yet.</li>}
    {view.deals.slice(0, MAX_ROWS).map((r) => (
      <DealItem key={`${r.cid}/${r.dealId}/${r.replica}`} row={r} mine="client" />
    ))}
  </ul>
)

export const ProviderDeals = ({ rpc, view }: { rpc: CoreRpc; view: MarketView }) => (
  <>
    <p class="muted" data-testid="provider-deadline">
      {deadlineLine(view)}
    </p>
    <ul class="list" data-testid="provider-deals">
      {view.providerDeals.length === 0 && <li class="empty">No deals with you yet.</li>}
      {view.providerDeals.slice(0, MAX_ROWS).map((r) => (
        <DealItem key={`${r.dealId}/${r.replica}`} row={r} mine="provider" rpc={rpc} />
      ))}
    </ul>
  </>
)
