// The retrieval module (docs/retrieval.md, issue 15 item 3, "pay per verified byte"): a client
// funds a payment channel once and pays any number of servers from it with signed cumulative
// vouchers; a server redeems the latest voucher it holds and is paid the increase; the client
// closes (or lets it expire) and, after the dispute window, the close step gives the rest back.
import { defineModule } from '../ledger/module.ts'
import { paramsAt } from '../ledger/protocol-state.ts'
import type { LedgerState } from '../ledger/state.ts'
import { closeChannel, fundChannel, openChannel } from './channels.ts'
import { RETRIEVAL_RESULT_CODES } from './codes.ts'
import { type RetrievalParams, retrievalParams } from './params.ts'
import { retrievalReaders } from './readers.ts'
import { redeem } from './redeem.ts'
import { settleCloseStep } from './settle.ts'
import { RETRIEVAL } from './store.ts'

export const retrievalModule = defineModule({
  name: RETRIEVAL,
  params: retrievalParams,
  operations: [openChannel, fundChannel, redeem, closeChannel],
  closeSteps: [settleCloseStep],
  resultCodes: RETRIEVAL_RESULT_CODES,
  readers: {
    params: (s: LedgerState): RetrievalParams => paramsAt(s, retrievalModule),
    ...retrievalReaders,
  },
})
