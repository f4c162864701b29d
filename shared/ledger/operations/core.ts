// The core module: the operations every WATT network has (createAccount, payment). It has no
// parameters and no close steps; networks compose it first (shared/node/protocol.ts).
import { composeProtocol, defineModule, type Protocol } from '../module.ts'
import { paramsSpec } from '../params.ts'
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

export const coreModule = defineModule({
  name: 'core',
  params: paramsSpec<Record<never, never>>({}),
  operations: [createAccount, payment],
  closeSteps: [],
  resultCodes: CORE_RESULT_CODES,
  readers: {},
})

/** A network of the core module alone (ledger tests, benchmarks). */
export const coreProtocol: Protocol = composeProtocol([coreModule])
