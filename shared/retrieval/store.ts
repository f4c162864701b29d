// The retrieval module's ledger data (under d/retrieval/...): one record per live channel (with
// what each payee was paid from it), the next channel id, the open counts, each client's live
// channel ids, the channels ending at each ledger and this ledger's redeem count. A channel's
// record is deleted when it settles, so the data is bounded by the open-channel limits.
// Amounts are bigints in the draft; DAG-CBOR may give small ones back as numbers, so every read
// goes through `readChannel` once.
import type { Address } from '../crypto/address.ts'
import { asUnits } from '../ledger/amount.ts'
import type { LedgerDraft } from '../ledger/draft.ts'
import type { DataReader } from '../ledger/lists.ts'

export const RETRIEVAL = 'retrieval'

export interface Channel {
  readonly client: Address
  /** Everything the client ever put in: the first deposit and every top-up. */
  readonly funded: bigint
  /** What the module still holds for it: funded minus everything redeemed. */
  readonly balance: bigint
  readonly opened: number
  /** The last ledger before the dispute window that follows expiry. */
  readonly expires: number
  /** The last ledger a voucher may be redeemed in; its close step settles the channel. */
  readonly end: number
  /** The ledger closeChannel ran in, -1 while not closed. */
  readonly closedAt: number
  /** Payee address -> base units paid to it so far (at most the largest voucher it redeemed). */
  readonly payees: Readonly<Record<string, bigint>>
}

export const keys = {
  channel: (id: number) => `ch/${id}`,
  nextChannel: 'next-channel',
  /** Channels opened and not yet settled, on the network. */
  open: 'open',
  /** A client's channels not yet settled: an array of ids (at most maxChannelsPerClient). */
  clientChannels: (a: string) => `of/${a}`,
  /** List (lists.ts): channels whose `end` was set to `seq` (an entry is stale once it moved). */
  endList: (seq: number) => `end/${seq}`,
  /** `{ seq, n }`: redeems applied in ledger `seq`. */
  redeems: 'redeems',
}

const num = (x: unknown): number => (typeof x === 'bigint' ? Number(x) : (x as number))
const units = (x: unknown): bigint => asUnits(x) ?? 0n

/** Normalizes a stored channel record (amounts to bigint, ledger numbers to number). */
const readChannel = (raw: unknown): Channel | undefined => {
  if (raw === undefined) return undefined
  const o = raw as Record<string, unknown>
  const payees: Record<string, bigint> = {}
  for (const [a, v] of Object.entries(o.payees as Record<string, unknown>)) payees[a] = units(v)
  return {
    client: o.client as Address,
    funded: units(o.funded),
    balance: units(o.balance),
    opened: num(o.opened),
    expires: num(o.expires),
    end: num(o.end),
    closedAt: num(o.closedAt),
    payees,
  }
}

export const getChannel = (d: DataReader, id: number): Channel | undefined =>
  readChannel(d.getData(RETRIEVAL, keys.channel(id)))

export const putChannel = (d: LedgerDraft, id: number, c: Channel | undefined): void =>
  d.putData(RETRIEVAL, keys.channel(id), c)

/** The ids of a client's channels not yet settled, oldest first. */
export const clientChannels = (d: DataReader, client: string): number[] =>
  ((d.getData(RETRIEVAL, keys.clientChannels(client)) as unknown[] | undefined) ?? []).map(num)

export const putClientChannels = (d: LedgerDraft, client: string, ids: readonly number[]): void =>
  d.putData(RETRIEVAL, keys.clientChannels(client), ids.length === 0 ? undefined : [...ids])

/** Whether closeChannel ran or the channel is past `expires`: its dispute window is running. */
export const isClosing = (c: Channel, seq: number): boolean => c.closedAt >= 0 || seq > c.expires
