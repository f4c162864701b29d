// Restore from a recovery phrase, protected by a new PIN or passkey. With a wallet already here,
// restoring replaces it (after a second, explicit confirmation), since the node holds one account key.
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'
import { type LockParams, LockChoice } from './wallet-lock.tsx'

interface Props {
  rpc: CoreRpc
  hasWallet: boolean
  onDone: (v: WalletView) => void
}

export const WalletRestore = ({ rpc, hasWallet, onDone }: Props) => {
  const [phrase, setPhrase] = useState('')
  const restore = async (lock: LockParams) => {
    if (hasWallet && !confirm('Replace this wallet? Its key is gone unless you have its recovery phrase.'))
      return
    onDone(await rpc.call('wallet.restore', { phrase, replace: hasWallet, ...lock }))
    setPhrase('')
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
      <LockChoice
        id="restore"
        submitId="restore-submit"
        submitLabel={hasWallet ? 'Replace, with this PIN' : 'Restore with this PIN'}
        passkeyLabel={hasWallet ? 'Replace, with a passkey' : 'Restore with a passkey'}
        disabled={phrase.trim() === ''}
        onLock={restore}
      />
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
