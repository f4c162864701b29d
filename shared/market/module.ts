// The storage market module (docs/market.md): providers post asks and collateral, clients
// publish deals that lock escrow, providers pre-commit and prove their seals and prove every
// window on the ledger; the close step pays proven windows, fines faults, ends replicas.
import { defineModule } from '../ledger/module.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import { addCollateral, postAsk, withdrawCollateral } from './asks.ts'
import { MARKET_RESULT_CODES } from './codes.ts'
import { preCommit, proveCommit, rejectDeal } from './commit.ts'
import { publishDeal } from './deals.ts'
import { offerHandOver, takeOver } from './hand-over.ts'
import { type MarketParams, marketParams } from './params.ts'
import { marketReaders } from './readers.ts'
import { marketCloseStep } from './settle.ts'
import { MARKET } from './store.ts'
import { declareFault, submitWindowPost } from './window-post.ts'

export const marketModule = defineModule({
  name: MARKET,
  params: marketParams,
  operations: [
    postAsk,
    addCollateral,
    withdrawCollateral,
    publishDeal,
    rejectDeal,
    preCommit,
    proveCommit,
    submitWindowPost,
    declareFault,
    offerHandOver,
    takeOver,
  ],
  closeSteps: [marketCloseStep],
  resultCodes: MARKET_RESULT_CODES,
  readers: {
    params: (s: LedgerState): MarketParams => paramsAt(s, marketModule),
    ...marketReaders,
  },
})
