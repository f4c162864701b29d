// The consensus node's durable memory in IndexedDB, one database per network: per closed ledger
// the agreed value and the quorum's signed EXTERNALIZE envelopes (its proof; the tx set itself
// stays in the ledger store), so the node answers catch-up for ledgers long out of its memory
// archive; and this validator's latest own envelopes, restored by SCP after a reload.
import { type IDBPDatabase, openDB } from 'idb'
import { decode, encode } from '../../shared/codec/dag-cbor.ts'
import type { LedgerStore } from '../../shared/ledger/store.ts'
import type { LedgerHistory } from '../../shared/node/catchup.ts'
import type { ArchivedLedger } from '../../shared/node/messages.ts'
import type { OwnEnvelopeStore, SavedEnvelopes } from '../../shared/node/own-envelopes.ts'

/** Ledgers whose proof is kept: about 5.5 hours at a 1 s close, 28 hours at 5 s (~1.5 KiB each). */
export const HISTORY_RETAIN_LEDGERS = 20_000

const PROOFS = 'proofs'
const OWN = 'own'

interface Proof {
  readonly value: Uint8Array
  readonly externalizes: Uint8Array[]
}

const isProof = (x: unknown): x is Proof =>
  typeof x === 'object' &&
  x !== null &&
  (x as Proof).value instanceof Uint8Array &&
  Array.isArray((x as Proof).externalizes) &&
  (x as Proof).externalizes.every((e) => e instanceof Uint8Array)

const isSaved = (x: unknown): x is SavedEnvelopes =>
  typeof x === 'object' &&
  x !== null &&
  Number.isSafeInteger((x as SavedEnvelopes).slot) &&
  Array.isArray((x as SavedEnvelopes).envelopes) &&
  (x as SavedEnvelopes).envelopes.length <= 2 &&
  (x as SavedEnvelopes).envelopes.every((e) => e instanceof Uint8Array)

/** The own-envelope record carries the tx sets its envelopes name (a few, up to ~8 MiB each). */
const OWN_RECORD_LIMIT = 64 << 20

const read = <T>(bytes: unknown, guard: (x: unknown) => x is T, limit = 1 << 20): T | undefined => {
  if (!(bytes instanceof Uint8Array)) return undefined
  const d = decode<unknown>(bytes, limit)
  return d.ok && guard(d.value) ? d.value : undefined
}

export const openNodeHistory = async (
  network: string,
  ledgers: Promise<LedgerStore>,
  retain = HISTORY_RETAIN_LEDGERS,
): Promise<{ history: LedgerHistory; own: OwnEnvelopeStore }> => {
  const db: IDBPDatabase = await openDB(`watt-node-history-${network}`, 1, {
    upgrade(d) {
      d.createObjectStore(PROOFS)
      d.createObjectStore(OWN)
    },
  })
  const history: LedgerHistory = {
    async load(seq) {
      const proof = read(await db.get(PROOFS, seq), isProof)
      const stored = proof && (await (await ledgers).ledger(seq))
      if (!proof || !stored) return undefined
      const l: ArchivedLedger = {
        seq,
        value: proof.value,
        set: stored.txSet,
        externalizes: proof.externalizes,
        qsets: [],
      }
      return l
    },
    async save(l) {
      const tx = db.transaction(PROOFS, 'readwrite')
      const bytes = encode({ value: l.value, externalizes: [...l.externalizes] })
      await Promise.all([
        tx.store.put(bytes, l.seq),
        l.seq > retain ? tx.store.delete(IDBKeyRange.upperBound(l.seq - retain)) : undefined,
        tx.done,
      ])
    },
  }
  const own: OwnEnvelopeStore = {
    load: async () => read(await db.get(OWN, 'latest'), isSaved, OWN_RECORD_LIMIT),
    save: async (s) => {
      const record = { slot: s.slot, envelopes: [...s.envelopes], txSets: [...(s.txSets ?? [])] }
      await db.put(OWN, encode(record), 'latest')
    },
  }
  return { history, own }
}
