// Get by CID: a file of this device comes back from its own store; any other CID is first quoted
// (who holds it, what the cheapest holder asks) and fetched only when the user accepts that price,
// with the bytes, peers and speed shown while every block is checked in the core. The price
// accepted is the most the fetch may pay (`maxPay`); a free file is fetched at once.
import { useEffect, useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { RetrievalQuote } from '../../worker/retrieval/quote.ts'
import type { ServerReport } from '../../worker/retrieval/fetcher.ts'
import type { RetrievalProgress } from '../../worker/retrieval/retrieval-api.ts'
import type { StorageView } from '../../worker/storage/storage-view.ts'
import { wattOf } from './mine-data.tsx'
import { RetrievePreview } from './retrieve-preview.tsx'
import { formatBytes } from './storage-data.tsx'
import { describeError, shortId } from './wallet-data.tsx'

/** A fetch of a large file runs for minutes; progress shows meanwhile. */
const FETCH_TIMEOUT_MS = 30 * 60_000
const QUOTE_TIMEOUT_MS = 60_000

type Got = {
  readonly cid: string
  readonly blob: Blob
  readonly url: string
  readonly name: string
  readonly servers: readonly ServerReport[]
}
type Step =
  | { readonly at: 'idle' }
  | { readonly at: 'quoting'; readonly cid: string }
  | { readonly at: 'quoted' }
  | { readonly at: 'fetching'; readonly cid: string; readonly progress?: RetrievalProgress }
  | { readonly at: 'done'; readonly got: Got; readonly text: string }
  | { readonly at: 'failed'; readonly cid: string; readonly text: string }

/** The fetch's refusals, as what to do; other errors (the wallet's, the ledger's) as everywhere. */
const NO_HOLDER = 'Nobody holding this CID answered: check the CID, or try again when its holders are online.'
const FETCH_SENTENCES: Record<string, string> = {
  bad_cid: 'That is not a CID: copy it again, it starts with bafy or Qm.',
  no_holder: NO_HOLDER,
  all_failed: 'Every holder dropped out before the file was whole: try again later.',
  too_large: 'This file is larger than this device can fetch (4 GiB): get a part of it on a computer.',
  too_many_blocks: 'This content is not a file this app can fetch.',
  too_expensive: 'The holders now ask more than the price you accepted: get a new quote.',
  busy: 'Two fetches are already running: wait until one finishes.',
}

/** Why paying failed, when that is why every priced holder was dropped. */
const PAY_SENTENCES: Record<string, string> = {
  wallet_locked: 'Your wallet is locked: unlock it on the Wallet screen, then get the file again.',
  no_wallet: 'Paying needs a wallet: create one on the Wallet screen, then get the file again.',
  insufficient_balance: 'Your balance does not cover this price and the fee: add WATT, then try again.',
  payment_timeout: 'The payment did not reach the ledger in time: check that you are online and try again.',
  payment_required: 'The holder stopped serving because payments did not keep up: try again.',
}

const describeFetchError = (e: unknown): string => {
  const { code, servers } = (e ?? {}) as {
    code?: unknown
    servers?: { fault?: { code?: string; reason?: string } }[]
  }
  const paying = servers
    ?.map((s) => PAY_SENTENCES[s.fault?.code ?? ''] ?? PAY_SENTENCES[s.fault?.reason ?? ''])
    .find(Boolean)
  return paying || (typeof code === 'string' && FETCH_SENTENCES[code]) || describeError(e)
}

const holdersText = (q: RetrievalQuote): string => {
  const providers = q.holders.filter((h) => h.kind === 'provider').length
  const caches = q.holders.length - providers
  const parts = [
    providers > 0 ? `${providers} storage provider${providers === 1 ? '' : 's'}` : '',
    caches > 0 ? `${caches} caching node${caches === 1 ? '' : 's'}` : '',
  ].filter(Boolean)
  return `Held by ${parts.join(' and ')}${q.size === undefined ? '' : ` · ${formatBytes(q.size)}`}`
}

/** Where the content is and what it costs; while priced and not yet accepted, the button that accepts it. */
const Quote = ({ quote, onPay }: { quote: RetrievalQuote; onPay?: () => void }) => {
  const cost = quote.cheapest
  return (
    <div data-testid="retrieve-quote" data-amount={cost ?? ''} class="stack">
      <p class="muted">{holdersText(quote)}</p>
      <div class="kv">
        <span>Price</span>
        <strong>{cost === '0' ? 'free' : cost ? `${wattOf(cost)} WATT at most` : 'unknown'}</strong>
      </div>
      {onPay && cost && (
        <button type="button" class="btn" data-testid="retrieve-pay" onClick={onPay}>
          {`Pay ${wattOf(cost)} WATT and get it`}
        </button>
      )}
    </div>
  )
}

const Progress = ({ p }: { p?: RetrievalProgress }) => {
  const bytes = p?.bytes ?? 0
  const total = p?.total ?? 0
  return (
    <div data-testid="retrieve-progress" data-bytes={bytes} data-total={total} data-peers={p?.peers ?? 0}>
      <progress
        value={total > 0 ? bytes / total : undefined}
        max={1}
        style="width:100%;accent-color:var(--accent)"
      />
      <p class="muted">
        {total > 0 ? `${formatBytes(bytes)} of ${formatBytes(total)}` : 'Asking the holders…'}
        {p ? ` · ${p.peers} peer${p.peers === 1 ? '' : 's'} · ${formatBytes(p.speed)}/s` : ''}
      </p>
    </div>
  )
}

/** Why a server was dropped, in a few words. */
const FAULT_WORDS: Record<string, string> = {
  bad_block: 'dropped: it sent a block that did not match its CID',
  stalled: 'dropped: it stopped answering',
  no_connection: 'not reachable',
  stream_failed: 'not reachable',
  refused: 'refused',
}

/** Each server the fetch used: what it sent that verified, or why it dropped out. */
const Servers = ({ servers }: { servers: readonly ServerReport[] }) =>
  servers.length === 0 ? null : (
    <ul class="list" data-testid="retrieve-servers">
      {servers.map((s) => (
        <li
          key={s.peer}
          class="kv"
          data-testid="retrieve-server"
          data-peer={s.peer}
          data-bytes={s.verifiedBytes}
          data-fault={s.fault?.code ?? ''}
        >
          <span class="mono">{shortId(s.peer, 8)}</span>
          <span>
            {formatBytes(s.verifiedBytes)} verified
            {s.fault ? ` · ${FAULT_WORDS[s.fault.code] ?? 'dropped'}` : ''}
          </span>
        </li>
      ))}
    </ul>
  )

const Result = ({ step }: { step: Extract<Step, { at: 'done' | 'failed' }> }) =>
  step.at === 'failed' ? (
    <div data-testid="retrieve-result" data-state="failed" data-cid={step.cid}>
      <p class="error" data-testid="retrieve-status">
        {step.text}
      </p>
    </div>
  ) : (
    <div data-testid="retrieve-result" data-state="done" data-cid={step.got.cid} class="stack">
      <p class="success" data-testid="retrieve-status">
        {step.text}
      </p>
      <Servers servers={step.got.servers} />
      <RetrievePreview blob={step.got.blob} url={step.got.url} />
      <a class="btn secondary" data-testid="retrieve-download" href={step.got.url} download={step.got.name}>
        Save {shortId(step.got.name, 10)}
      </a>
    </div>
  )

const NO_PRICE =
  'The holders did not say what the whole file costs, so it cannot be paid safely: try again later.'

/** What the quote leads to: a free fetch at once, a price to accept, or the sentence why not. */
const afterQuote = (cid: string, q: RetrievalQuote): Step | 'free' => {
  if (q.holders.length === 0) return { at: 'failed', cid, text: NO_HOLDER }
  if (q.cheapest === '0') return 'free'
  return q.cheapest === undefined ? { at: 'failed', cid, text: NO_PRICE } : { at: 'quoted' }
}

const useRetrieve = (rpc: CoreRpc, files: StorageView['files']) => {
  const [step, setStep] = useState<Step>({ at: 'idle' })
  const [quote, setQuote] = useState<RetrievalQuote>()
  useEffect(() => () => void (step.at === 'done' && URL.revokeObjectURL(step.got.url)), [step])
  const finish = (cid: string, blob: Blob, size: number, servers: readonly ServerReport[] = []) => {
    const name = files.find((f) => f.cid === cid)?.name || cid
    setStep({
      at: 'done',
      got: { cid, blob, url: URL.createObjectURL(blob), name, servers },
      text: `verified ${size} bytes`,
    })
  }
  const fail = (cid: string, e: unknown) => setStep({ at: 'failed', cid, text: describeFetchError(e) })
  const fetchFile = async (cid: string, maxPay: string) => {
    setStep({ at: 'fetching', cid })
    const off = rpc.on('retrieval', (p) => p.cid === cid && setStep({ at: 'fetching', cid, progress: p }))
    try {
      const r = await rpc.call('retrieval.fetch', { cid, maxPay }, FETCH_TIMEOUT_MS)
      finish(r.cid, r.blob, r.bytes, r.servers)
    } catch (e) {
      fail(cid, e)
    } finally {
      off()
    }
  }
  const start = async (cid: string) => {
    setQuote(undefined)
    try {
      if (files.some((f) => f.cid === cid)) {
        const r = await rpc.call('storage.retrieve', { cid }, FETCH_TIMEOUT_MS)
        return finish(r.cid, r.blob, r.size)
      }
      setStep({ at: 'quoting', cid })
      const q = await rpc.call('retrieval.quote', { cid }, QUOTE_TIMEOUT_MS)
      setQuote(q)
      const next = afterQuote(cid, q)
      if (next === 'free') return fetchFile(cid, '0')
      setStep(next)
    } catch (e) {
      fail(cid, e)
    }
  }
  return { step, quote, start, fetchFile }
}

export const RetrieveCard = ({ rpc, files }: { rpc: CoreRpc; files: StorageView['files'] }) => {
  const [cid, setCid] = useState('')
  const { step, quote, start, fetchFile } = useRetrieve(rpc, files)
  const busy = step.at === 'quoting' || step.at === 'fetching'
  return (
    <section class="card">
      <h2>Get by CID</h2>
      <div class="field">
        <label for="retrieve-cid">CID</label>
        <div class="actions">
          <input
            id="retrieve-cid"
            data-testid="retrieve-cid-input"
            class="mono"
            value={cid}
            onInput={(e) => setCid(e.currentTarget.value.trim())}
            placeholder="bafy…"
          />
          <button
            type="button"
            class="btn"
            data-testid="retrieve-submit"
            disabled={busy || cid === ''}
            onClick={() => void start(cid)}
          >
            Get
          </button>
        </div>
      </div>
      {step.at === 'quoting' && <p class="muted">Finding who holds it…</p>}
      {quote && quote.holders.length > 0 && (
        <Quote
          quote={quote}
          {...(step.at === 'quoted' ? { onPay: () => void fetchFile(quote.cid, quote.cheapest ?? '0') } : {})}
        />
      )}
      {step.at === 'fetching' && <Progress p={step.progress} />}
      {(step.at === 'done' || step.at === 'failed') && <Result step={step} />}
      {files.length > 0 && (
        <ul class="list" data-testid="file-list">
          {files.map((f) => (
            <li class="row" key={f.cid} data-testid="file-item">
              <button type="button" class="btn secondary" onClick={() => setCid(f.cid)}>
                {f.name || 'file'}
              </button>
              <span class="muted">{formatBytes(f.size)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
