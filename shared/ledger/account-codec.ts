// The DAG-CBOR bytes of an account entry `{ balance, seq }`, written directly: every ledger
// hashes one value per touched account, and the generic encoder (key sorting, token lists) costs
// more than the hash. Same bytes as the codec's encode (tested): a map of 2, keys in DAG-CBOR
// order ("seq" before "balance": shorter first), each value as the shortest unsigned integer.
import { encode } from '../codec/dag-cbor.ts'

const SEQ_KEY = [0x63, 0x73, 0x65, 0x71] // text(3) "seq"
const BALANCE_KEY = [0x67, 0x62, 0x61, 0x6c, 0x61, 0x6e, 0x63, 0x65] // text(7) "balance"
const U64 = 2n ** 64n

const putUint = (out: number[], v: bigint) => {
  if (v < 24n) out.push(Number(v))
  else if (v < 0x100n) out.push(0x18, Number(v))
  else if (v < 0x10000n) out.push(0x19, Number(v >> 8n), Number(v & 0xffn))
  else {
    const wide = v >= 0x100000000n
    const n = wide ? 8 : 4
    out.push(wide ? 0x1b : 0x1a)
    for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn))
  }
}

const isAccount = (v: unknown): v is { balance: bigint; seq: bigint } => {
  if (typeof v !== 'object' || v === null) return false
  const o = v as Record<string, unknown>
  const keys = Object.keys(o)
  return (
    keys.length === 2 &&
    typeof o.balance === 'bigint' &&
    typeof o.seq === 'bigint' &&
    o.balance >= 0n &&
    o.balance < U64 &&
    o.seq >= 0n &&
    o.seq < U64
  )
}

/** DAG-CBOR encoding of an entry value, with the fast path for account entries. */
export const encodeEntryValue = (value: unknown): Uint8Array => {
  if (!isAccount(value)) return encode(value)
  const out = [0xa2, ...SEQ_KEY]
  putUint(out, value.seq)
  out.push(...BALANCE_KEY)
  putUint(out, value.balance)
  return new Uint8Array(out)
}
