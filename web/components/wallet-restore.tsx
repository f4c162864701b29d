// Restore from a recovery phrase. With a wallet already here, restoring replaces it (after a
// second, explicit confirmation), since the node holds one account key.
import { useState } from 'preact/hooks'
import type { RpcClient } from '../../worker/rpc/client.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'
import { describeError } from './wallet-data.tsx'

interface Props {
  rpc: RpcClient
  hasWallet: boolean
  onDone: (v: WalletView) => void
}

export const WalletRestore = ({ rpc, hasWallet, onDone }: Props) => {
  const [phrase, setPhrase] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const restore = async () => {
    if (hasWallet && !confirm('Replace this wallet? Its key is gone unless you have its recovery phrase.'))
      return
    setBusy(true)
    setError('')
    try {
      onDone(await rpc.call<WalletView>('wallet.restore', { phrase, replace: hasWallet }))
      setPhrase('')
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const form = (
    <>
      <div class="field">
        <label for="restore-phrase">Recovery phrase (24 words)</label>
        <textarea
          id="restore-phrase"
          data-testid="restore-phrase"
          rows={3}
          autoComplete="off"
          spellcheck={false}
          value={phrase}
          onInput={(e) => setPhrase(e.currentTarget.value)}
        />
      </div>
      <button
        type="button"
        class="btn secondary"
        data-testid="restore-submit"
        disabled={busy || phrase.trim() === ''}
        onClick={restore}
      >
        {hasWallet ? 'Replace with this phrase' : 'Restore'}
      </button>
      {error && (
        <p class="error" data-testid="restore-error">
          {error}
        </p>
      )}
    </>
  )
  return (
    <section class="card" data-testid="wallet-restore">
      {hasWallet ? (
        <details>
          <summary class="muted">Restore a different wallet</summary>
          {form}
        </details>
      ) : (
        <>
          <h2>Restore a wallet</h2>
          {form}
        </>
      )}
    </section>
  )
}
