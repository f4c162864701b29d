// Every result code a retrieval-checks operation returns (the module's catalogue,
// docs/retrieval-checks.md). The handlers are typed with this union, so a code not listed here
// does not compile.
export const CHECKS_RESULT_CODES = [
  'already_checker',
  'checker_limit',
  'not_checker',
  'no_account',
  'insufficient_balance',
  'no_destination',
  'balance_overflow',
  'wrong_round',
  'unknown_sample',
  'not_assigned',
  'already_reported',
] as const
export type ChecksCode = (typeof CHECKS_RESULT_CODES)[number]
