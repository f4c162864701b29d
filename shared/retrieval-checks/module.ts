// The retrieval-checks module (docs/retrieval-checks.md, issue 15 item 5): volunteers register as
// checkers; every round ledger randomness picks active replicas and, for each, the checkers that
// try to retrieve a sampled leaf from its provider; they sign their outcomes in reportCheck; the
// next round's first ledger tallies each sample by majority, so every provider has a public
// retrieval success rate (`retrievalSuccessRate`) that other modules and views read.
import { defineModule } from '../ledger/module.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import { CHECKS_RESULT_CODES } from './codes.ts'
import { joinChecks, leaveChecks, reportCheck } from './operations.ts'
import { type ChecksParams, checksParams } from './params.ts'
import { checksReaders, type SuccessRate, successRate } from './readers.ts'
import { roundCloseStep } from './round.ts'
import { CHECKS } from './store.ts'

export const retrievalChecksModule = defineModule({
  name: CHECKS,
  params: checksParams,
  operations: [joinChecks, leaveChecks, reportCheck],
  closeSteps: [roundCloseStep],
  resultCodes: CHECKS_RESULT_CODES,
  readers: {
    params: (s: LedgerState): ChecksParams => paramsAt(s, retrievalChecksModule),
    ...checksReaders,
    /** Tried and succeeded samples of `provider` over the last historyRounds tallied rounds. */
    retrievalSuccessRate: (s: LedgerState, provider: string): SuccessRate =>
      successRate(s, provider, paramsAt(s, retrievalChecksModule).historyRounds),
  },
})
