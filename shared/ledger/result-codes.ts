// The core ledger's catalogue of result codes: what a rejected transaction's TxResult says. Results
// feed `cidOf(results)` in every header, so the codes are string-literal unions and every producer
// (apply.ts's gate, money.ts, the core operations) is typed with them: a misspelt code does not
// compile. A protocol module keeps its own catalogue beside its operations (shared/mining).

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

/** Balance moves (money.ts), which every operation and close step uses. */
export type MoneyCode =
  | 'no_account'
  | 'insufficient_balance'
  | 'no_destination'
  | 'balance_overflow'
  | 'unknown_pool'
  | 'pool_exhausted'

/** The core operations: createAccount and payment. */
export type CoreOpCode = MoneyCode | 'bad_amount' | 'account_exists'

/** An operation of a type the network's protocol does not have. */
export type UnknownOpCode = 'unknown_operation'

/** Every code the core ledger itself writes into a TxResult. */
export type LedgerResultCode = PrecheckCode | CoreOpCode | UnknownOpCode

/** How an operation's parser refuses wire data. */
export type ParseCode = 'malformed'
