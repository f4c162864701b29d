// What services, views and tests read of the retrieval module over a closed state: a channel by
// id (with what each payee was paid), a client's live channels, what one payee was paid from a
// channel, the open count and the module's held balance (part of the supply).
import { dataNumber, stateData } from '../ledger/lists.ts'
import { moduleHeld } from '../ledger/money.ts'
import type { LedgerState } from '../ledger/state.ts'
import { type Channel, clientChannels, getChannel, keys, RETRIEVAL } from './store.ts'

export interface ChannelView extends Channel {
  readonly id: number
}

const channelView = (s: LedgerState, id: number): ChannelView | undefined => {
  const c = getChannel(stateData(s), id)
  return c === undefined ? undefined : { ...c, id }
}

export const retrievalReaders = {
  /** A live channel (opened and not yet settled; a settled channel's record is gone). */
  channel: channelView,
  /** The client's live channels, oldest first. */
  channelsByClient: (s: LedgerState, client: string): ChannelView[] =>
    clientChannels(stateData(s), client).map((id) => channelView(s, id)!),
  /** Base units the payee was paid from the channel so far (0 when none, or once settled). */
  redeemed: (s: LedgerState, id: number, payee: string): bigint => channelView(s, id)?.payees[payee] ?? 0n,
  openChannels: (s: LedgerState): number => dataNumber(stateData(s), RETRIEVAL, keys.open),
  /** Every live channel's balance: what the module holds (counted in the supply). */
  held: (s: LedgerState): bigint => moduleHeld(stateData(s), RETRIEVAL),
}
