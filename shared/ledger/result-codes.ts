// The core ledger's catalogue of result codes: what a rejected transaction's TxResult says. Results
// feed `cidOf(results)` in every header, so the codes are string-literal unions and every producer
// (apply.ts's gate, money.ts, the core operations) is typed with them: a misspelt code does not
// compile. Each protocol module keeps its own catalogue in its module (the core module's is
// operations/core.ts, mining's shared/mining/module.ts).
import type { CoreCode } from './operations/core.ts'

/** The gate checks of apply.ts: the transaction is rejected with no effect, no fee charged. */
export type PrecheckCode =
  | 'bad_signature'
  | 'wrong_network'
  | 'no_account'
  | 'bad_seq'
  | 'below_min_fee'
  | 'too_early'
  | 'expired'
  | 'insufficient_balance'
  | 'free_limit'

/** An operation of a type the network's protocol does not have. */
export type UnknownOpCode = 'unknown_operation'

/** Every code the core ledger itself writes into a TxResult: its gate, and the core module's. */
export type LedgerResultCode = PrecheckCode | CoreCode | UnknownOpCode

/** How an operation's parser refuses wire data. */
export type ParseCode = 'malformed'
