// What protects the wallet key, on the page side: choosing a PIN (typed twice) or a passkey when a
// wallet is created, restored or re-protected, and the unlock prompt of a locked wallet. The core
// keeps the unlocked key in memory until `wallet.lock` or its own restart; the page keeps nothing.
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { NewLock, UnlockWith } from '../../worker/wallet/vault-locks.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'
import { createPasskey, passkeyPrf, passkeysAvailable } from '../passkey.ts'
import { describeError } from './wallet-data.tsx'

/** The RPC params of a new lock (wallet.create / restore / setLock take them beside their own). */
export type LockParams = NewLock

interface ChoiceProps {
  /** Prefix of the fields' test ids: `${id}-pin`, `${id}-pin-again`, `${id}-passkey`, `${id}-error`. */
  id: string
  submitId: string
  submitLabel: string
  passkeyLabel: string
  disabled?: boolean
  /** Runs the RPC call; a rejection is shown as its sentence. */
  onLock: (lock: LockParams) => Promise<unknown>
}

export const LockChoice = (p: ChoiceProps) => {
  const [pin, setPin] = useState('')
  const [again, setAgain] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const run = async (lock: () => Promise<LockParams | undefined>) => {
    setBusy(true)
    setError('')
    try {
      const l = await lock()
      if (l) await p.onLock(l)
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const withPin = (e: Event) => {
    e.preventDefault()
    void run(async () => {
      if (pin !== again) throw { code: 'pin_mismatch' }
      return { pin }
    })
  }
  const withPasskey = () =>
    void run(async () => {
      const r = await createPasskey('WATT wallet')
      if (!r.ok) throw r.error
      return { passkey: r.value }
    })
  const field = (name: string, label: string, value: string, set: (v: string) => void) => (
    <div class="field">
      <label for={name}>{label}</label>
      <input
        id={name}
        data-testid={name}
        type="password"
        autoComplete="new-password"
        value={value}
        onInput={(e) => set(e.currentTarget.value)}
      />
    </div>
  )
  return (
    <form onSubmit={withPin}>
      {field(`${p.id}-pin`, 'PIN (at least 6 characters)', pin, setPin)}
      {field(`${p.id}-pin-again`, 'The same PIN again', again, setAgain)}
      <div class="actions">
        <button type="submit" class="btn" data-testid={p.submitId} disabled={busy || p.disabled}>
          {p.submitLabel}
        </button>
        {passkeysAvailable() && (
          <button
            type="button"
            class="btn secondary"
            data-testid={`${p.id}-passkey`}
            disabled={busy || p.disabled}
            onClick={withPasskey}
          >
            {p.passkeyLabel}
          </button>
        )}
      </div>
      {error && (
        <p class="error" data-testid={`${p.id}-error`}>
          {error}
        </p>
      )}
    </form>
  )
}

interface ViewProps {
  rpc: CoreRpc
  view: WalletView
  onView: (v: WalletView) => void
}

/** The prompt of a locked wallet: its PIN, or its passkey. */
export const WalletUnlock = ({ rpc, view, onView }: ViewProps) => {
  const [pin, setPin] = useState('')
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const unlock = async (params: () => Promise<UnlockWith>) => {
    setBusy(true)
    setError('')
    try {
      onView(await rpc.call('wallet.unlock', await params()))
      setPin('')
    } catch (e) {
      setError(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const withPasskey = () =>
    unlock(async () => {
      const r = await passkeyPrf(view.passkey!.credentialId, view.passkey!.salt)
      if (!r.ok) throw r.error
      return { prf: r.value }
    })
  return (
    <section class="card" data-testid="wallet-unlock">
      <h2>Wallet locked</h2>
      {view.passkey ? (
        <>
          <p class="muted">Unlock with the passkey that protects this wallet to send or sign.</p>
          <button
            type="button"
            class="btn"
            data-testid="unlock-passkey"
            disabled={busy}
            onClick={withPasskey}
          >
            Unlock with passkey
          </button>
        </>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void unlock(async () => ({ pin }))
          }}
        >
          <div class="field">
            <label for="unlock-pin">Enter your PIN to send or sign</label>
            <input
              id="unlock-pin"
              data-testid="unlock-pin"
              type="password"
              autoComplete="current-password"
              value={pin}
              onInput={(e) => setPin(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="btn" data-testid="unlock-submit" disabled={busy || pin === ''}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
        </form>
      )}
      {error && (
        <p class="error" data-testid="unlock-error">
          {error}
        </p>
      )}
    </section>
  )
}

/** An old wallet (device lock) gets a warning and a first PIN or passkey; others may change theirs. */
export const WalletProtect = ({ rpc, view, onView }: ViewProps) => {
  const setLock = async (lock: LockParams) => onView(await rpc.call('wallet.setLock', lock))
  const choice = (
    <LockChoice
      id="protect"
      submitId="protect-submit"
      submitLabel="Use this PIN"
      passkeyLabel="Use a passkey"
      disabled={view.locked}
      onLock={setLock}
    />
  )
  if (view.lock !== 'device')
    return (
      <section class="card" data-testid="wallet-protect" data-state={view.lock}>
        <details>
          <summary class="muted">Change the PIN or passkey</summary>
          {view.locked && <p class="muted">Unlock the wallet first.</p>}
          {choice}
        </details>
      </section>
    )
  return (
    <section class="card" data-testid="wallet-protect" data-state="device">
      <h2>Protect this wallet</h2>
      <p class="error">
        This wallet has only the old, weaker protection: any script on this site, or anyone who copies this
        browser's files, can open its key. Choose a PIN or a passkey; after that nothing signs until you
        unlock it.
      </p>
      {choice}
    </section>
  )
}
