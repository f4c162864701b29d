// The core module: the operations every WATT network has (createAccount, payment) and the bound
// on fee-free transactions per ledger. It has no close steps; networks compose it first
// (shared/node/protocol.ts).
import { composeProtocol, defineModule, type Protocol } from '../module.ts'
import { intParam, paramsSpec } from '../params.ts'
import { createAccount, payment } from './payment.ts'

export const CORE_RESULT_CODES = [
  'account_exists',
  'bad_amount',
  'balance_overflow',
  'insufficient_balance',
  'no_account',
  'no_destination',
] as const
export type CoreCode = (typeof CORE_RESULT_CODES)[number]

export interface CoreParams {
  /** Fee-free transactions (every operation `feeless`) one ledger applies at most (apply.ts). */
  readonly freeTxsPerLedger: number
}

export const coreModule = defineModule<CoreParams, CoreCode, Record<never, never>>({
  name: 'core',
  params: paramsSpec<CoreParams>({ freeTxsPerLedger: intParam(100, 0, 100_000) }),
  operations: [createAccount, payment],
  closeSteps: [],
  resultCodes: CORE_RESULT_CODES,
  readers: {},
})

/** A network of the core module alone (ledger tests, benchmarks). */
export const coreProtocol: Protocol = composeProtocol([coreModule])
