// The mining module (docs/mining.md): check-ins, circles and invites as operations, the daily
// distribution as a close step, its parameters parsed from the genesis document, and the readers
// that services and views use on a closed ledger's state.
import type { Address } from '../crypto/address.ts'
import { stateData } from '../ledger/lists.ts'
import { defineModule } from '../ledger/module.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import { miningCloseStep } from './day-close.ts'
import { getRewardHistory, MODULE, type RewardHistoryEntry } from './ledger-data.ts'
import { MINING_RESULT_CODES, miningOperations } from './operations.ts'
import { type MiningParams, miningParams } from './params.ts'

export const miningModule = defineModule({
  name: MODULE,
  params: miningParams,
  operations: miningOperations,
  closeSteps: [miningCloseStep],
  resultCodes: MINING_RESULT_CODES,
  readers: {
    /** The parameters in force after `s` (what the next ledger runs under). */
    params: (s: LedgerState): MiningParams => paramsAt(s, miningModule),
    rewardHistory: (s: LedgerState, a: Address): RewardHistoryEntry[] => getRewardHistory(stateData(s), a),
  },
})
