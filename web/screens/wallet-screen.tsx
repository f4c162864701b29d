// The Wallet screen: create or restore the account key (protected by a PIN or a passkey), unlock
// and lock it, back it up, see the balance, get devnet WATT from the faucet, send, follow the
// history, and look at the recent ledgers. All state lives in the core's wallet service; this
// screen only renders its view and calls wallet.* methods.
import { useState } from 'preact/hooks'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'
import { WalletBackup } from '../components/wallet-backup.tsx'
import { describeError, useWallet } from '../components/wallet-data.tsx'
import { WalletExplorer } from '../components/wallet-explorer.tsx'
import { WalletHistory } from '../components/wallet-history.tsx'
import { type LockParams, LockChoice, WalletProtect, WalletUnlock } from '../components/wallet-lock.tsx'
import { WalletRestore } from '../components/wallet-restore.tsx'
import { type LastTx, WalletSend } from '../components/wallet-send.tsx'
import type { CoreConnection } from '../core-client.ts'

interface AccountProps {
  view: WalletView
  onFaucet: () => void
  onLock: () => void
}

const Account = ({ view, onFaucet, onLock }: AccountProps) => {
  const [copied, setCopied] = useState(false)
  const copy = () =>
    void navigator.clipboard?.writeText(view.address ?? '').then(() => {
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })
  return (
    <section class="card">
      <h2>Balance</h2>
      <div class="big">
        <span data-testid="wallet-balance">{view.balance}</span> <span class="muted">WATT</span>
      </div>
      {!view.accountExists && (
        <p class="muted">This address has no account on the ledger until it receives WATT.</p>
      )}
      <div class="kv">
        <span>Address</span>
        <code class="mono wrap" data-testid="wallet-address">
          {view.address}
        </code>
      </div>
      <div style="display:flex;gap:8px;flex-wrap:wrap;margin-top:10px">
        <button type="button" class="btn secondary" data-testid="wallet-copy" onClick={copy}>
          {copied ? 'Copied' : 'Copy address'}
        </button>
        {view.faucet && (
          <button type="button" class="btn secondary" data-testid="faucet-request" onClick={onFaucet}>
            Get 100 test WATT
          </button>
        )}
        {view.lock !== 'device' && !view.locked && (
          <button type="button" class="btn secondary" data-testid="wallet-lock" onClick={onLock}>
            Lock
          </button>
        )}
      </div>
    </section>
  )
}

export const WalletScreen = ({ core }: { core: CoreConnection }) => {
  const { rpc } = core
  const [view, setView] = useWallet(rpc)
  const [phrase, setPhrase] = useState<readonly string[]>()
  const [last, setLast] = useState<LastTx>()

  if (!view) return <div class="screen muted">Starting the wallet…</div>

  const create = async (lock: LockParams) => {
    const c = await rpc.call('wallet.create', lock)
    setPhrase(c.phrase)
    setView(c.view)
  }
  const lock = () => void rpc.call('wallet.lock').then(setView, () => {})
  const faucet = async () => {
    try {
      const r = await rpc.call('wallet.faucet')
      setLast({ id: r.id, what: 'faucet' })
    } catch (e) {
      setLast({ error: describeError(e), what: 'faucet' })
    }
  }
  const backedUp = (v: WalletView) => {
    setPhrase(undefined)
    setView(v)
  }
  const restored = (v: WalletView) => {
    setPhrase(undefined)
    setLast(undefined)
    setView(v)
  }

  if (!view.exists) {
    return (
      <div class="screen">
        <section class="card">
          <h2>Your wallet</h2>
          <p>
            A wallet is one key on this device. It is stored encrypted and never leaves it; a 24-word recovery
            phrase brings it back anywhere.
          </p>
          <p class="muted">
            Choose what unlocks it: a PIN, or a passkey (your fingerprint, face or screen lock). Nothing is
            signed until you unlock it, once each time the app starts.
          </p>
          <LockChoice
            id="create"
            submitId="wallet-create"
            submitLabel="Create with this PIN"
            passkeyLabel="Create with a passkey"
            onLock={create}
          />
        </section>
        <WalletRestore rpc={rpc} hasWallet={false} onDone={restored} />
        <WalletExplorer rpc={rpc} view={view} />
      </div>
    )
  }

  return (
    <div class="screen">
      {view.locked && <WalletUnlock rpc={rpc} view={view} onView={setView} />}
      {view.lock === 'device' && <WalletProtect rpc={rpc} view={view} onView={setView} />}
      {!view.backedUp && <WalletBackup rpc={rpc} view={view} phrase={phrase} onDone={backedUp} />}
      <Account view={view} onFaucet={faucet} onLock={lock} />
      <WalletSend rpc={rpc} view={view} last={last} onSubmitted={setLast} />
      <WalletHistory rows={view.history} />
      <WalletExplorer rpc={rpc} view={view} />
      {view.backedUp && <WalletBackup rpc={rpc} view={view} phrase={undefined} onDone={setView} />}
      {view.lock !== 'device' && <WalletProtect rpc={rpc} view={view} onView={setView} />}
      <WalletRestore rpc={rpc} hasWallet onDone={restored} />
    </div>
  )
}
