// Every result code a retrieval operation returns (the module's catalogue, docs/retrieval.md).
// The handlers are typed with this union, so a code not listed here does not compile.
export const RETRIEVAL_RESULT_CODES = [
  'bad_channel',
  'channel_limit',
  'no_account',
  'insufficient_balance',
  'no_destination',
  'balance_overflow',
  'unknown_channel',
  'not_owner',
  'channel_closing',
  'wrong_channel',
  'wrong_payee',
  'voucher_replay',
  'payee_limit',
  'channel_empty',
  'ledger_busy',
  'voucher_signature',
] as const
export type RetrievalCode = (typeof RETRIEVAL_RESULT_CODES)[number]
