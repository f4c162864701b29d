// The retrieval close step (`retrieval/settle`), every ledger after its transactions: every
// channel whose `end` is this ledger settles. Its dispute window is over (this ledger's redeems
// have applied), so what it still holds goes back to the client, its record is deleted and it
// leaves the open counts. Nothing for the client to send: an abandoned channel frees its slot
// on time. Entries left behind when closeChannel moved a channel's end earlier are skipped.
// Work per ledger is bounded by maxOpenChannels (each channel settles once).
import type { Amount } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import { dataNumber, deleteList, readList } from '../ledger/lists.ts'
import { releaseFromModule } from '../ledger/money.ts'
import type { CloseStep, ModuleTotals } from '../ledger/operations/registry.ts'
import type { RetrievalParams } from './params.ts'
import {
  type Channel,
  clientChannels,
  getChannel,
  keys,
  putChannel,
  putClientChannels,
  RETRIEVAL,
} from './store.ts'

/** Gives the channel's balance back (to the fee pool if the client's account cannot take it). */
const settleChannel = (d: LedgerDraft, id: number, c: Channel): void => {
  const back = c.balance as Amount
  if (back > 0n && releaseFromModule(d, RETRIEVAL, c.client, back))
    releaseFromModule(d, RETRIEVAL, 'feePool', back)
  putChannel(d, id, undefined)
  putClientChannels(
    d,
    c.client,
    clientChannels(d, c.client).filter((x) => x !== id),
  )
  const open = dataNumber(d, RETRIEVAL, keys.open) - 1
  d.putData(RETRIEVAL, keys.open, open === 0 ? undefined : open)
}

export const settleCloseStep: CloseStep<RetrievalParams> = {
  name: 'retrieval/settle',
  run: (d): ModuleTotals | undefined => {
    const list = keys.endList(d.seq)
    let settled = 0n
    let reclaimed = 0n
    for (const e of readList(d, RETRIEVAL, list)) {
      const c = getChannel(d, Number(e))
      if (c === undefined || c.end !== d.seq) continue
      settleChannel(d, Number(e), c)
      settled++
      reclaimed += c.balance
    }
    deleteList(d, RETRIEVAL, list)
    return settled > 0n ? { channelsSettled: settled, reclaimed } : undefined
  },
}
