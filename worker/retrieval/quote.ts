// What getting a CID costs, before anything is fetched or paid (issue 15, item 7): each holder
// (storage providers per the ledger, then caching nodes that announced it) is asked its terms with
// one `ask` on /watt/retrieve/1, in parallel, each within the stall timeout; a holder that does not
// answer is left out. `cheapest` is the whole DAG at the lowest price among the holders whose ask
// says its size; the fetch then takes it as its `maxPay`, so a user never pays more than was shown.
import type { PeerStreams } from '../core/core-streams.ts'
import { exchange } from './fetch-task.ts'
import { encodeAskRequest } from './retrieve-wire.ts'

export type HolderKind = 'provider' | 'cache'

export interface QuotedHolder {
  readonly peer: string
  readonly kind: HolderKind
  /** Base units a byte, as decimal text. */
  readonly pricePerByte: string
}

export interface RetrievalQuote {
  readonly cid: string
  /** The DAG's bytes, when a holder said. */
  readonly size?: number
  readonly holders: readonly QuotedHolder[]
  /** Base units for the whole DAG at the cheapest holder ("0" when one is free); absent when no priced holder said its size. */
  readonly cheapest?: string
}

type Asked = QuotedHolder & { readonly price: bigint; readonly size?: number }

const askOne = async (
  net: PeerStreams,
  stallMs: number,
  cid: string,
  h: { peer: string; kind: HolderKind },
) => {
  const a = await exchange({ net, stallMs }, h.peer, encodeAskRequest(cid))
  if ('ok' in a || a.t !== 'ask') return undefined
  const price = BigInt(a.pricePerByte)
  return { ...h, pricePerByte: a.pricePerByte, price, ...(a.size !== undefined ? { size: a.size } : {}) }
}

/** Asks every holder its terms; the cheapest total among those that answered. */
export const quoteHolders = async (
  net: PeerStreams,
  stallMs: number,
  cid: string,
  holders: readonly { peer: string; kind: HolderKind }[],
): Promise<RetrievalQuote> => {
  const asked = (await Promise.all(holders.map((h) => askOne(net, stallMs, cid, h)))).filter(
    (x): x is Asked => x !== undefined,
  )
  const size = asked.find((a) => a.size !== undefined)?.size
  const totals = asked.map((a) =>
    a.price === 0n ? 0n : a.size === undefined ? undefined : a.price * BigInt(a.size),
  )
  const known = totals.filter((t): t is bigint => t !== undefined)
  const cheapest = known.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))[0]
  return {
    cid,
    ...(size !== undefined ? { size } : {}),
    holders: asked.map(({ peer, kind, pricePerByte }) => ({ peer, kind, pricePerByte })),
    ...(cheapest !== undefined ? { cheapest: String(cheapest) } : {}),
  }
}
