// The value SCP agrees on for each ledger: the tx set (by CID), the close time, and the
// validators whose EXTERNALIZE for the previous ledger the proposer holds (the mining close step
// counts them toward each validator's uptime). Encoded as DAG-CBOR; decoding is strict.
import { decode, encode } from '../codec/dag-cbor.ts'
import type { Statement, Value } from '../scp/index.ts'

export interface LedgerValue {
  readonly txSet: string
  readonly closeTimeMs: number
  /** Sorted, distinct validator node ids (addresses). */
  readonly signers: readonly string[]
}

const MAX_SIGNERS = 1000

export const encodeLedgerValue = (v: LedgerValue): Value => encode([v.txSet, v.closeTimeMs, [...v.signers]])

/** Decoded values by the byte array they came from (values inside shared statements repeat). */
const decoded = new WeakMap<Uint8Array, LedgerValue | undefined>()

export const decodeLedgerValue = (bytes: Uint8Array): LedgerValue | undefined => {
  if (decoded.has(bytes)) return decoded.get(bytes)
  const v = decodeFresh(bytes)
  decoded.set(bytes, v)
  return v
}

const decodeFresh = (bytes: Uint8Array): LedgerValue | undefined => {
  const d = decode<unknown>(bytes, 64 * 1024)
  if (!d.ok || !Array.isArray(d.value) || d.value.length !== 3) return undefined
  const [txSet, closeTimeMs, signers] = d.value as unknown[]
  if (typeof txSet !== 'string' || txSet.length > 100) return undefined
  if (typeof closeTimeMs !== 'number' || !Number.isSafeInteger(closeTimeMs) || closeTimeMs <= 0)
    return undefined
  if (!Array.isArray(signers) || signers.length > MAX_SIGNERS) return undefined
  for (let i = 0; i < signers.length; i++) {
    if (typeof signers[i] !== 'string') return undefined
    if (i > 0 && !(signers[i - 1] < signers[i])) return undefined
  }
  return { txSet, closeTimeMs, signers: signers as string[] }
}

/** Sorted union of signer lists. */
export const unionSigners = (lists: ReadonlyArray<readonly string[]>): string[] =>
  [...new Set(lists.flat())].sort()

/** The distinct tx set CIDs the values of an SCP statement name. */
export const statementTxSets = (st: Statement): string[] => {
  const values =
    st.type === 'nominate'
      ? [...st.votes, ...st.accepted]
      : st.type === 'prepare'
        ? [st.ballot.value, st.prepared?.value, st.preparedPrime?.value]
        : st.type === 'confirm'
          ? [st.ballot.value]
          : [st.commit.value]
  const cids = values.flatMap((v) => (v ? [decodeLedgerValue(v)?.txSet] : [])).filter((c): c is string => !!c)
  return [...new Set(cids)]
}
