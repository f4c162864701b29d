// The send form and the status line of the last transaction this tab started (send or faucet):
// `pending`, `applied in ledger N`, or the code it was refused or rejected with.
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { HistoryRow, WalletView } from '../../worker/wallet/wallet-view.ts'
import { describeError } from './wallet-data.tsx'

/** What the status line follows: a submitted tx by id, or a refusal before submission. */
export type LastTx = { id: string; what: string } | { error: string; what: string }

const statusText = (last: LastTx, rows: readonly HistoryRow[]): string => {
  if ('error' in last) return `${last.what}: ${last.error}`
  const r = rows.find((x) => x.id === last.id)
  if (!r || r.state === 'pending') return `${last.what}: pending`
  if (r.state === 'applied') return `${last.what}: applied in ledger ${r.ledger}`
  if (r.state === 'rejected') return `${last.what}: rejected ${r.code} in ledger ${r.ledger}`
  if (r.state === 'dropped') return `${last.what}: dropped (${r.code})`
  return `${last.what}: sequence used elsewhere, outcome unknown`
}

const TxStatus = ({ last, view }: { last: LastTx | undefined; view: WalletView }) => {
  if (!last) return null
  const text = statusText(last, view.history)
  const bad = 'error' in last || /rejected|dropped|unknown/.test(text)
  const done = text.includes('applied in ledger')
  return (
    <p data-testid="tx-status" class={bad ? 'error' : done ? 'success' : 'muted'} aria-live="polite">
      {text}
    </p>
  )
}

interface Props {
  rpc: CoreRpc
  view: WalletView
  last: LastTx | undefined
  onSubmitted: (last: LastTx) => void
}

export const WalletSend = ({ rpc, view, last, onSubmitted }: Props) => {
  const [to, setTo] = useState('')
  const [amount, setAmount] = useState('')
  const [fee, setFee] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    try {
      const r = await rpc.call('wallet.send', { to, amount, fee })
      onSubmitted({ id: r.id, what: `sent ${amount} WATT` })
      setAmount('')
    } catch (err) {
      onSubmitted({ error: describeError(err), what: 'not sent' })
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="card">
      <h2>Send</h2>
      <form onSubmit={submit}>
        <div class="field">
          <label for="send-to">To address</label>
          <input
            id="send-to"
            data-testid="send-to"
            class="mono"
            placeholder="W…"
            autoComplete="off"
            spellcheck={false}
            value={to}
            onInput={(e) => setTo(e.currentTarget.value)}
          />
        </div>
        <div style="display:grid;grid-template-columns:3fr 2fr;gap:10px">
          <div class="field">
            <label for="send-amount">Amount (WATT)</label>
            <input
              id="send-amount"
              data-testid="send-amount"
              inputMode="decimal"
              placeholder="0.0"
              autoComplete="off"
              value={amount}
              onInput={(e) => setAmount(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="send-fee">Fee (optional)</label>
            <input
              id="send-fee"
              data-testid="send-fee"
              inputMode="decimal"
              placeholder={view.minFee}
              autoComplete="off"
              value={fee}
              onInput={(e) => setFee(e.currentTarget.value)}
            />
          </div>
        </div>
        {view.locked && (
          <p class="muted" data-testid="send-locked">
            The wallet is locked: unlock it at the top of this screen to sign and send.
          </p>
        )}
        <button
          type="submit"
          class="btn"
          data-testid="send-submit"
          disabled={busy || view.locked}
          style="width:100%"
        >
          {busy ? 'Signing…' : 'Sign and send'}
        </button>
      </form>
      <TxStatus last={last} view={view} />
    </section>
  )
}
