// The contract between the node's ledger/consensus service (worker/node) and the services built
// on it (wallet, mining, storage markets): read the last closed ledger, submit transactions,
// hear about closes. Registered in the core under the service name `ledger`.
import type {
  Address,
  CheckedTxSet,
  CloseInfo,
  GenesisConfig,
  LedgerEnv,
  LedgerHeader,
  LedgerState,
  TxResult,
} from '../../shared/ledger/index.ts'
import type { Result, WattError } from '../../shared/util/errors.ts'
import type { CoreService } from '../core/service.ts'

export interface ClosedLedgerEvent {
  readonly seq: number
  /** The header CID as a string: the ledger's hash. */
  readonly hash: string
  readonly header: LedgerHeader
  readonly txSet: CheckedTxSet
  readonly results: readonly TxResult[]
  readonly state: LedgerState
  /** The agreed facts the ledger was applied with (close time, signers, upgrades). */
  readonly info: CloseInfo
}

export interface LedgerSummary {
  readonly seq: number
  readonly hash: string
  readonly closeTimeMs: number
  readonly txCount: number
  readonly feePool: string
}

export interface LedgerNodeApi extends CoreService {
  readonly name: 'ledger'
  /** The last closed ledger. */
  current(): { state: LedgerState; hash: string; header: LedgerHeader }
  env(): LedgerEnv
  genesis(): GenesisConfig
  /** Devnet only: the faucet account's secret key, published in the devnet genesis document. */
  faucetSecret(): Uint8Array | undefined
  /** Checks a signed transaction (wire bytes), queues it in the mempool and floods it. */
  submit(txBytes: Uint8Array): Promise<Result<{ txId: string }, WattError>>
  /**
   * The sequence number `source`'s next transaction takes: one past its account's and past every
   * tx of its that this node's mempool holds. The wallet and mining share it, so neither takes a
   * number the other's pending tx holds.
   */
  nextSeq(source: Address): bigint
  /** Called after every closed ledger; returns an unsubscribe function. */
  onClosed(listener: (closed: ClosedLedgerEvent) => void): () => void
  /** Recent closed ledgers, newest first. */
  recent(limit: number): Promise<LedgerSummary[]>
}
