// Keeps the wallet screen in step with the core's wallet service: `wallet` events plus a slow
// poll (a tab may miss events while the core restarts), and the RPC error shape for messages.
import { useCoreView } from '../use-core-view.ts'
import type { WattError } from '../../shared/util/errors.ts'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { WalletView } from '../../worker/wallet/wallet-view.ts'

export const useWallet = (rpc: CoreRpc): [WalletView | undefined, (v: WalletView) => void] => {
  const [view, setView] = useCoreView(rpc, 'wallet', 'wallet.status', 3000)
  return [view, setView]
}

/** Errors about the wallet's lock and passkeys: a sentence saying what to do. */
const SENTENCES: Record<string, (e: WattError) => string> = {
  wallet_locked: () => 'The wallet is locked: unlock it at the top of the Wallet screen, then try again.',
  wrong_pin: () => "That is not this wallet's PIN: check it and try again.",
  wrong_passkey: () => 'That passkey did not open this wallet: use the passkey it was protected with.',
  bad_pin: (e) =>
    e.reason === 'too_long'
      ? `A PIN has at most ${String(e.max)} characters: choose a shorter one.`
      : `A PIN needs at least ${String(e.min ?? 6)} characters: choose a longer one.`,
  pin_mismatch: () => 'The two PINs differ: type the same PIN in both fields.',
  lock_mismatch: (e) =>
    e.expected === 'passkey'
      ? 'This wallet is protected by a passkey: unlock it with the passkey.'
      : 'This wallet is protected by a PIN: unlock it with the PIN.',
  passkey_cancelled: () =>
    'The passkey prompt was closed or timed out: try again and confirm with your fingerprint, face or screen lock.',
  passkey_no_prf: () =>
    "This device's passkeys cannot protect a wallet (no PRF support): choose a PIN instead.",
  passkey_unavailable: () =>
    'Passkeys are not available here (they need a recent browser and HTTPS): choose a PIN instead.',
  passkey_failed: () => 'The passkey prompt failed: try again, or choose a PIN instead.',
  no_successor: () =>
    'No other provider can take this deal over now (none has room and collateral for it): try again later.',
  hand_over_busy: () => 'This deal is already being handed over: wait until the new provider has sealed it.',
  too_long: (e) => `This network takes deals of at most ${String(e.maxDays)} days: choose fewer days.`,
}

/** What to do after the wallet's other refusals, shown after their code (which tests and logs match on). */
const HINTS: Record<string, string> = {
  bad_address: 'check the address, or copy or scan it again',
  bad_amount: 'type an amount in WATT, like 12.5, with at most 7 decimals',
  bad_fee: 'type a fee in WATT, or leave it empty for the minimum',
  below_min_fee: "the fee is below the network's minimum: leave it empty or raise it",
  insufficient_balance: 'the amount and fee are more than this wallet can spend now: send less',
  self_payment: 'this is your own address: send to another one',
  no_account: 'this wallet has no WATT on the ledger yet: receive some first',
  no_wallet: 'create or restore a wallet first',
  wallet_exists: 'this device already has a wallet: use "Restore a different wallet" to replace it',
  bad_phrase: 'check the 24 words, their spelling and their order',
  backup_mismatch: 'a word differs from your phrase: check the words you wrote down',
  ledger_unavailable: 'the node is not following the ledger yet: wait a moment and try again',
  no_faucet: 'this network has no faucet: ask someone to send you WATT',
  faucet_empty: "the devnet's faucet is empty: ask the devnet's operator",
  not_enough_providers:
    'fewer providers offer space for this file than the copies asked for: ask for fewer copies or try later',
  too_large: 'the file is larger than one deal takes: split it or choose a smaller file',
  empty_file: 'the file is empty: choose another one',
  file_changed: 'the file changed while it was read: choose it again',
  client_funds: 'the deal costs more than this wallet holds: receive WATT or store for fewer days',
  bid_limit: 'too many bids are open: wait until one is matched or expires',
  bad_bid: 'the network does not take this bid: check the copies, the days and the file size',
}

/**
 * One line for an error: a sentence for the lock's errors; else its code, the detail that says
 * which part was wrong, and for the wallet's refusals what to do.
 */
export const describeError = (e: unknown): string => {
  const w = e as WattError
  if (typeof w?.code !== 'string') return String(e)
  const sentence = SENTENCES[w.code]
  if (sentence) return sentence(w)
  const detail = [w.reason, w.field, w.word === undefined ? undefined : `word ${String(w.word)}`]
    .filter((x) => x !== undefined)
    .join(', ')
  const what = detail ? `${w.code} (${String(detail)})` : w.code
  const hint = HINTS[w.code]
  return hint ? `${what}: ${hint}.` : what
}

export const shortId = (id: string, keep = 8) =>
  id.length > keep * 2 + 1 ? `${id.slice(0, keep)}…${id.slice(-keep)}` : id
