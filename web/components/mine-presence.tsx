// How this device proves presence: a passkey (the fingerprint, face or PIN of a platform
// authenticator; the ledger verifies its signature) or, where there is none, the weaker
// press-and-hold. Registering makes a passkey and hands its public key to the core, which binds it
// to the account on the ledger (with the first check-in when the account does not exist yet).
// A passkey check-in signs the day's challenge (network, day, account) and the core forwards it.
import { useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { MiningView } from '../../worker/mining/mining-view.ts'
import { presenceChallenge } from '../../shared/mining/webauthn.ts'
import { fromHex, toHex } from '../../shared/util/bytes.ts'
import { createPresencePasskey, passkeysAvailable, presenceAssertion } from '../passkey.ts'
import { describeError } from './wallet-data.tsx'

const storeKey = (address: string) => `watt.presence.${address}`
const savedCredential = (address: string): Uint8Array | undefined => {
  const hex = localStorage.getItem(storeKey(address))
  return hex ? fromHex(hex) : undefined
}

export const hasPasskey = (v: MiningView): boolean => v.passkeys > 0 || v.passkeyPending

export const MinePresence = ({ rpc, view }: { rpc: CoreRpc; view: MiningView }) => {
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const address = view.address
  const kind = view.presenceKind ?? (hasPasskey(view) ? 'passkey' : 'hold')

  const run = async (what: () => Promise<string>) => {
    setBusy(true)
    setNote('')
    try {
      setNote(await what())
    } catch (e) {
      setNote(describeError(e))
    } finally {
      setBusy(false)
    }
  }
  const register = () =>
    run(async () => {
      const made = await createPresencePasskey(`WATT ${address!.slice(0, 8)}`)
      if (!made.ok) return describeError(made.error)
      localStorage.setItem(storeKey(address!), toHex(made.value.credentialId))
      const r = await rpc.call('mining.registerPasskey', made.value)
      return r.pending ? 'Passkey ready: your first check-in puts it on the ledger.' : 'Passkey sent.'
    })
  const checkIn = () =>
    run(async () => {
      const challenge = presenceChallenge(view.networkId, view.today, address!)
      const proof = await presenceAssertion(challenge, savedCredential(address!))
      if (!proof.ok) return describeError(proof.error)
      await rpc.call('mining.checkIn', { proof: proof.value })
      return ''
    })

  return (
    <div style="margin:6px 0">
      <div class="kv">
        <span>Presence</span>
        <strong data-testid="presence-kind" data-kind={kind}>
          {kind === 'passkey' ? 'passkey (verified by the network)' : 'press and hold (weaker)'}
        </strong>
      </div>
      {address && passkeysAvailable() && !hasPasskey(view) && (
        <button type="button" data-testid="passkey-register" disabled={busy} onClick={register}>
          Use this device's passkey to check in
        </button>
      )}
      {address && hasPasskey(view) && !view.checkedInToday && (
        <button
          type="button"
          class="primary"
          data-testid="passkey-check-in"
          disabled={busy || view.checkInPending}
          onClick={checkIn}
        >
          Check in with your passkey
        </button>
      )}
      {note && <p data-testid="presence-note">{note}</p>}
    </div>
  )
}
