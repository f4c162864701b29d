// The storage market module (docs/market.md): providers post asks and collateral, clients
// publish deals (or post bids a close step matches) that lock escrow and client collateral,
// providers pre-commit and prove their seals and prove every window on the ledger, and hand
// replicas over; the close steps pay proven windows, fine faults, end replicas, then match bids.
import { defineModule } from '../ledger/module.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import { addCollateral, postAsk, withdrawCollateral } from './asks.ts'
import { cancelBid, postBid } from './bids.ts'
import { MARKET_RESULT_CODES } from './codes.ts'
import { preCommit, proveCommit, rejectDeal } from './commit.ts'
import { publishDeal } from './deals.ts'
import { offerHandOver, takeOver } from './hand-over.ts'
import { bidCloseStep } from './match.ts'
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
    postBid,
    cancelBid,
  ],
  closeSteps: [marketCloseStep, bidCloseStep],
  resultCodes: MARKET_RESULT_CODES,
  readers: {
    params: (s: LedgerState): MarketParams => paramsAt(s, marketModule),
    ...marketReaders,
  },
})
