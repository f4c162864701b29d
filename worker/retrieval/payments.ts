// Where a payment layer plugs into retrieval (issue 15, later items): the client asks for a quote
// and hands a voucher with each request, paying for the bytes it has verified from that server
// so far (never for a block that failed its check); the server takes the voucher, knowing how many
// bytes it has served that peer, and may refuse to serve more. Vouchers are opaque bytes here.
// The free implementation signs and checks nothing, and makes no ledger operation.

export type Admission = { readonly ok: true } | { readonly ok: false; readonly code: string }

export interface RetrievalPayments {
  /** Client: what `server` charges for `bytes` bytes of `cid`, in base units (0n: free). */
  quote(server: string, cid: string, bytes: number): Promise<bigint>
  /**
   * Client: the voucher to send `server` with the next request, paying for `cumulativeBytes`
   * bytes verified from it so far in this fetch; undefined sends none.
   */
  voucherFor(server: string, cumulativeBytes: number): Promise<Uint8Array | undefined>
  /**
   * Server: takes the voucher `peer` sent with a request (or none) after `bytesServed` bytes
   * served to it; `{ok: false, code}` refuses the request with that code (`payment_required`...).
   */
  accept(peer: string, voucher: Uint8Array | undefined, bytesServed: number): Promise<Admission>
}

export const ADMITTED: Admission = { ok: true }

export const freePayments: RetrievalPayments = {
  quote: async () => 0n,
  voucherFor: async () => undefined,
  accept: async () => ADMITTED,
}
