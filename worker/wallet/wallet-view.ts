// What the wallet service tells the tabs: plain, structured-clone data with amounts already as
// decimal WATT text (the UI never does money arithmetic). Shared by worker/wallet and web/.
import type { LedgerSummary } from '../node/ledger-node-api.ts'
import type { TxState } from './history.ts'
import type { LockKind } from './vault-locks.ts'

export interface HistoryRow {
  readonly id: string
  readonly dir: 'out' | 'in'
  readonly counterparty: string
  /** Decimal WATT. */
  readonly amount: string
  readonly fee: string
  readonly state: TxState
  readonly code?: string
  readonly ledger?: number
  readonly timeMs: number
}

export interface LedgerInfo {
  readonly seq: number
  readonly hash: string
  readonly closeTimeMs: number
  /** Decimal WATT in the fee pool after this ledger. */
  readonly feePool: string
}

export interface WalletView {
  /** False until a key is created or restored. */
  readonly exists: boolean
  readonly address?: string
  /** False until the user confirmed the recovery phrase (create); restored wallets are backed up. */
  readonly backedUp: boolean
  /** 1-based word positions to re-enter for the backup check. */
  readonly confirmPositions: readonly number[]
  /** What protects the key: a PIN, a passkey, or (old wallets only, weaker) a key kept by this browser. */
  readonly lock?: LockKind
  /** True until the user unlocks a PIN or passkey wallet in this session of the core; nothing signs meanwhile. */
  readonly locked: boolean
  /** For a passkey lock: the credential and PRF input the page asks the authenticator for. */
  readonly passkey?: { readonly credentialId: Uint8Array; readonly salt: Uint8Array }
  /** Decimal WATT; '0' while the account does not exist on the ledger. */
  readonly balance: string
  readonly accountExists: boolean
  /** Absent while the node has no ledger service. */
  readonly ledger?: LedgerInfo
  /** A devnet faucet is available. */
  readonly faucet: boolean
  /** The default (minimum) fee of a payment, decimal WATT. */
  readonly minFee: string
  /** Newest first, at most VIEW_HISTORY rows; `wallet.history` gives more. */
  readonly history: readonly HistoryRow[]
}

export interface CreatedWallet {
  /** Shown once: the service keeps it only sealed, and forgets it once the backup is confirmed. */
  readonly phrase: readonly string[]
  readonly view: WalletView
}

export interface SubmittedTx {
  readonly id: string
}

export type { LedgerSummary }

export const VIEW_HISTORY = 50
