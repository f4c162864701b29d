// Invites: this account's invite code (its address), the link and its QR code for a friend to
// open or scan, and accepting the invite of the ambassador who brought this account (once).
import { useState } from 'preact/hooks'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import { InlineForm } from './inline-form.tsx'
import { describeError } from './wallet-data.tsx'
import { addressFromText, inviteLink, shortAddress } from './mine-data.tsx'
import { MineQr } from './mine-qr.tsx'

const fromLocation = () => (location.hash.includes('invite=') ? addressFromText(location.hash) : '')

export const MineInvite = ({ rpc, view }: { rpc: CoreRpc; view: MiningView }) => {
  const [text, setText] = useState(fromLocation)
  const [note, setNote] = useState('')
  const [copied, setCopied] = useState(false)
  const link = view.inviteCode ? inviteLink(view.inviteCode) : ''

  /** Accepts the invite in `input` (a code or an invite link, typed or scanned). */
  const accept = async (input: string) => {
    setText(input)
    setNote('Sending…')
    try {
      await rpc.call('mining.acceptInvite', { ambassador: addressFromText(input) })
      setNote('Sent.')
    } catch (err) {
      setNote(describeError(err))
    }
  }
  const copy = () =>
    void navigator.clipboard?.writeText(link).then(() => {
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    })

  return (
    <section class="card">
      <h2>Invite</h2>
      {view.inviteCode ? (
        <div style="display:flex;gap:14px;align-items:center;flex-wrap:wrap">
          <MineQr text={link} size={132} testid="invite-qr" />
          <div style="flex:1;min-width:180px">
            <div class="muted" style="font-size:0.85rem">
              Your invite code
            </div>
            <code class="mono" style="word-break:break-all" data-testid="invite-code">
              {view.inviteCode}
            </code>
            <div style="margin-top:8px">
              <button type="button" class="btn secondary" data-testid="invite-copy" onClick={copy}>
                {copied ? 'Copied' : 'Copy invite link'}
              </button>
            </div>
          </div>
        </div>
      ) : (
        <p class="muted">Create a wallet to get an invite code.</p>
      )}
      <div style="margin-top:14px">
        {view.invitedBy ? (
          <p class="muted" data-testid="invited-by">
            Invited by <code class="mono">{shortAddress(view.invitedBy)}</code>
          </p>
        ) : (
          <InlineForm
            onText={(t) => void accept(t)}
            value={text}
            onInput={setText}
            placeholder="Who invited you? Code or link"
            testids={{ input: 'invite-accept-input', submit: 'invite-accept-submit', scan: 'invite-scan' }}
            submitLabel="Accept"
            disabled={!view.wallet}
          />
        )}
        {note && !view.invitedBy && (
          <p class="muted" data-testid="invite-note">
            {note}
          </p>
        )}
      </div>
    </section>
  )
}
