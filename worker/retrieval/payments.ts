// Where a payment layer plugs into retrieval (issue 15, item 3). The client's side is one session
// per fetch: it takes each server's ask (price per byte, payment interval, payee), makes payment
// possible for the priced ones (a payment channel on the ledger, payments-client.ts) and hands a
// voucher with each request, paying for the bytes verified from that server so far (never for a
// block that failed its check). The server's side tells its ask, takes the vouchers and counts what
// it served, and refuses a peer that runs more than one interval ahead of what it paid
// (payments-server.ts). The free implementation asks nothing, signs and checks nothing, and makes
// no ledger operation; a priced server is `no_payments` to it.

export type Admission = { readonly ok: true } | { readonly ok: false; readonly code: string }

/** A server's terms, as its `ask` answer gives them. */
export interface RetrievalAsk {
  /** Base units a byte of block served (0n: free). */
  readonly pricePerByte: bigint
  /** Bytes served ahead of payment at most. */
  readonly interval: number
  /** The server's account public key: vouchers pay it (absent when free). */
  readonly payee?: Uint8Array
  /** The DAG's blocks' bytes, when the server knows them. */
  readonly size?: number
}

export const FREE_ASK: RetrievalAsk = { pricePerByte: 0n, interval: 0 }

/** Client: the payments of one fetch. */
export interface PaymentSession {
  /** Takes `server`'s ask for a file of `bytes` bytes; a refusal (`too_expensive`...) leaves it out. */
  priced(server: string, ask: RetrievalAsk, bytes: number): Admission
  /** Makes the priced servers taken payable (a channel); a refusal drops them from the fetch. */
  ready(): Promise<Admission>
  /**
   * The voucher to send `server` with the next request (or as the fetch's last payment), paying
   * for `verifiedBytes` bytes verified from it in this fetch; undefined sends none.
   */
  voucherFor(server: string, verifiedBytes: number): Promise<Uint8Array | undefined>
}

/** Server: the terms it asks, the vouchers it takes and what it served. */
export interface ServerPayments {
  ask(peer: string, cid: string): Promise<RetrievalAsk>
  /**
   * Takes the voucher `peer` sent with a request for `cid` (or none); `{ok: false, code}` refuses
   * the request with that code (`payment_required`...). Without `cid` (a `pay`), only the voucher.
   */
  accept(peer: string, cid: string | undefined, voucher: Uint8Array | undefined): Promise<Admission>
  /** The server sent `peer` `bytes` bytes of blocks of `cid`. */
  served(peer: string, cid: string, bytes: number): void
}

export interface RetrievalPayments {
  session(cid: string, maxPay?: bigint): PaymentSession
  readonly server: ServerPayments
}

export const ADMITTED: Admission = { ok: true }

const freeSession: PaymentSession = {
  priced: (_s, ask) => (ask.pricePerByte === 0n ? ADMITTED : { ok: false, code: 'no_payments' }),
  ready: async () => ADMITTED,
  voucherFor: async () => undefined,
}

export const freeServer: ServerPayments = {
  ask: async () => FREE_ASK,
  accept: async () => ADMITTED,
  served: () => {},
}

export const freePayments: RetrievalPayments = { session: () => freeSession, server: freeServer }

/**
 * A retrieval check's payments: it takes any server's terms and pays nothing. Every server serves a
 * peer one interval (1 MiB x its price) ahead of payment, and a check fetches one path from the root
 * to one leaf, which fits in it: so a priced provider is checked like a free one, for nothing.
 */
export const checkPayments: RetrievalPayments = {
  session: () => ({ ...freeSession, priced: () => ADMITTED }),
  server: freeServer,
}
