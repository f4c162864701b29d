// The value SCP agrees on for each ledger: the tx set (by CID), the close time and the protocol
// upgrades (a canonical list; see shared/ledger/upgrade.ts and upgrades.ts here). Who signed the
// previous ledger is not in the value: the tx set carries that close proof, every entry checked
// before a node votes (close-proof.ts). Encoded as DAG-CBOR; decoding is strict.
import { decode, encode } from '../codec/dag-cbor.ts'
import { parseUpgrades, type Upgrade } from '../ledger/index.ts'
import type { Statement, Value } from '../scp/index.ts'

export interface LedgerValue {
  readonly txSet: string
  readonly closeTimeMs: number
  readonly upgrades: readonly Upgrade[]
}

export const encodeLedgerValue = (v: LedgerValue): Value => encode([v.txSet, v.closeTimeMs, [...v.upgrades]])

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
  const [txSet, closeTimeMs, list] = d.value as unknown[]
  if (typeof txSet !== 'string' || txSet.length > 100) return undefined
  if (typeof closeTimeMs !== 'number' || !Number.isSafeInteger(closeTimeMs) || closeTimeMs <= 0)
    return undefined
  const upgrades = parseUpgrades(list)
  return upgrades.ok ? { txSet, closeTimeMs, upgrades: upgrades.value } : undefined
}

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
