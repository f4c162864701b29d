// The node operator's own quorum set choice, kept per network in IndexedDB; without one the
// node uses the quorum set its network's genesis document recommends.
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

export const loadQuorumSet = async (network: string): Promise<QuorumSet | undefined> => {
  const db = await open()
  try {
    return (await db.get(STORE, network)) as QuorumSet | undefined
  } finally {
    db.close()
  }
}

export const saveQuorumSet = async (network: string, q: QuorumSet): Promise<void> => {
  const db = await open()
  try {
    await db.put(STORE, q, network)
  } finally {
    db.close()
  }
}
