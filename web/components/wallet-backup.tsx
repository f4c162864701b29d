// The backup flow: the phrase is shown once, right after creation (it lives only in this
// component's memory), then the user re-enters the words the service asks for. Until that
// check passes, the card stays a warning.
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'
import { describeError } from './wallet-data.tsx'

interface Props {
  rpc: CoreRpc
  view: WalletView
  /** The freshly created phrase; undefined after a reload (it is never shown again). */
  phrase: readonly string[] | undefined
  onDone: (v: WalletView) => void
}

export const WalletBackup = ({ rpc, view, phrase, onDone }: Props) => {
  const [step, setStep] = useState<'show' | 'check'>('show')
  const [answers, setAnswers] = useState<Record<number, string>>({})
  const [error, setError] = useState('')
  if (view.backedUp) {
    return (
      <section class="card" data-testid="wallet-backup" data-state="done">
        <h2>Backup</h2>
        <p class="success">Recovery phrase confirmed.</p>
      </section>
    )
  }
  const check = async () => {
    setError('')
    try {
      onDone(await rpc.call('wallet.confirmBackup', { answers }))
    } catch (e) {
      setError(describeError(e))
    }
  }
  return (
    <section class="card wide" data-testid="wallet-backup" data-state="pending">
      <h2>Back up your wallet</h2>
      <p class="error">Not backed up: if this device is lost, so is your WATT.</p>
      {phrase && step === 'show' && (
        <>
          <p class="muted">Write these 24 words down in order. They are shown only this once.</p>
          <ol
            data-testid="backup-phrase"
            class="mono"
            style="display:grid;grid-template-columns:repeat(auto-fill,minmax(120px,1fr));gap:6px 14px;padding-left:28px"
          >
            {phrase.map((w, i) => (
              <li key={i} data-testid="backup-word">
                {w}
              </li>
            ))}
          </ol>
          <button type="button" class="btn" data-testid="backup-written" onClick={() => setStep('check')}>
            I wrote them down
          </button>
        </>
      )}
      {(step === 'check' || !phrase) && (
        <>
          <p class="muted">
            {phrase
              ? 'Enter these words of your phrase to confirm it:'
              : 'The phrase was shown once, when this wallet was created. Enter these words from it:'}
          </p>
          {view.confirmPositions.map((p) => (
            <div class="field" key={p}>
              <label for={`backup-word-${p}`}>Word #{p}</label>
              <input
                id={`backup-word-${p}`}
                data-testid={`backup-word-${p}`}
                autoComplete="off"
                spellcheck={false}
                value={answers[p] ?? ''}
                onInput={(e) => setAnswers({ ...answers, [p]: e.currentTarget.value })}
              />
            </div>
          ))}
          <button type="button" class="btn" data-testid="backup-confirm" onClick={check}>
            Confirm backup
          </button>
          {error && (
            <p class="error" data-testid="backup-error">
              {error}
            </p>
          )}
        </>
      )}
    </section>
  )
}
