// The retrieval module's genesis parameters (docs/retrieval.md). Every deadline is a ledger count:
// a channel lives from its opening to `expires` (between minChannelLedgers and maxChannelLedgers
// ahead), then servers have `settleLedgers` more to redeem before the rest goes back to the client.
// The limits bound what the module stores (open channels, payees per channel) and the voucher
// signatures every validator verifies per ledger (each costs milliseconds in pure JS).
import { intParam, paramsSpec, unitsParam } from '../ledger/params.ts'

export interface RetrievalParams {
  /** Shortest channel life: `expires` at least this many ledgers after the opening ledger. */
  readonly minChannelLedgers: number
  /** Longest channel life: `expires` at most this many ledgers after the opening ledger. */
  readonly maxChannelLedgers: number
  /** The dispute window: ledgers servers may still redeem after a close or after expiry. */
  readonly settleLedgers: number
  /** Smallest first deposit of a channel, in base units (open channels are a bounded resource). */
  readonly minChannelAmount: bigint
  /** Channels open (not yet settled) per client, and on the network. */
  readonly maxChannelsPerClient: number
  readonly maxOpenChannels: number
  /** Distinct payees one channel pays at most (their redeemed amounts live in the channel record). */
  readonly maxPayeesPerChannel: number
  /** Redeems applied per ledger at most (each verifies an Ed25519 signature synchronously). */
  readonly maxRedeemsPerLedger: number
}

export const retrievalParams = paramsSpec<RetrievalParams>(
  {
    minChannelLedgers: intParam(720, 1, 10_000_000),
    maxChannelLedgers: intParam(518_400, 1, 100_000_000),
    settleLedgers: intParam(720, 1, 1_000_000),
    minChannelAmount: unitsParam(1_000_000n),
    maxChannelsPerClient: intParam(8, 1, 1000),
    maxOpenChannels: intParam(1024, 1, 100_000),
    maxPayeesPerChannel: intParam(32, 1, 256),
    maxRedeemsPerLedger: intParam(64, 1, 1000),
  },
  (p) => (p.minChannelLedgers > p.maxChannelLedgers ? 'maxChannelLedgers' : undefined),
)
