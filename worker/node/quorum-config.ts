// The node operator's own consensus choices, kept in IndexedDB: per network the quorum set
// (without one the node uses the set its network's genesis document recommends) and the role it
// asked for (a watcher that asked to validate stays a validator across reloads); per profile the
// devnet-only auto-admit flag its enrollment link carried.
import { openDB } from 'idb'
import type { QuorumSet } from '../../shared/scp/index.ts'

const DB = 'watt-node-config'
const STORE = 'quorum'

const open = () =>
  openDB(DB, 1, {
    upgrade(d) {
      d.createObjectStore(STORE)
    },
  })

const load = async <T>(key: string): Promise<T | undefined> => {
  const db = await open()
  try {
    return (await db.get(STORE, key)) as T | undefined
  } finally {
    db.close()
  }
}

const save = async (key: string, value: unknown): Promise<void> => {
  const db = await open()
  try {
    await db.put(STORE, value, key)
  } finally {
    db.close()
  }
}

export const loadQuorumSet = (network: string) => load<QuorumSet>(network)
export const saveQuorumSet = (network: string, q: QuorumSet) => save(network, q)

/** 'validator' once this node asked to become one on `network`. */
export const loadRole = (network: string) => load<'validator'>(`role:${network}`)
export const saveRole = (network: string, role: 'validator') => save(`role:${network}`, role)

/** Devnet convenience: validators enrolled with `--auto-admit` admit every valid request. */
export const loadAutoAdmit = async () => (await load<boolean>('flag:auto-admit')) === true
export const saveAutoAdmit = (on: boolean) => save('flag:auto-admit', on)
