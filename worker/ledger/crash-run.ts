// Crash-safety driver for the IndexedDB ledger store: a loop that closes ledgers (each writing a
// few hundred module entries, so commits take a while) and commits them until the page dies, and
// a check that reloads the store and verifies the last closed ledger against its state root.
import { nobleVerifier } from '../../shared/crypto/noble.ts'
import { addressOf } from '../../shared/crypto/address.ts'
import {
  applyLedger,
  checkTxSet,
  composeProtocol,
  coreModule,
  defineModule,
  GENESIS_TX_SET,
  genesisState,
  type LedgerState,
  makeGenesisConfig,
  paramsSpec,
  stateFromLoaded,
} from '../../shared/ledger/index.ts'
import { openIdbLedgerStore } from './idb-store.ts'

const ENTRIES_PER_LEDGER = 300
const key = addressOf(new Uint8Array(32).fill(9))
const config = makeGenesisConfig({
  networkId: 'watt-crash',
  genesisTimeMs: 1_900_000_000_000,
  reserveAddress: key,
  validators: [key],
})
const filler = defineModule({
  name: 'crash',
  params: paramsSpec<Record<never, never>>({}),
  operations: [],
  closeSteps: [
    {
      name: 'filler',
      run: (d, ctx) => {
        for (let i = 0; i < ENTRIES_PER_LEDGER; i++) d.putData('crash', `${i}`, { seq: ctx.seq, i })
        return undefined
      },
    },
  ],
  resultCodes: [],
  readers: {},
})
const protocol = composeProtocol([coreModule, filler])

const load = async (dbName: string) => {
  const store = await openIdbLedgerStore(dbName)
  const loaded = await store.loadLast()
  return { store, loaded }
}

/** Commits ledgers forever (until the page closes); progress in globalThis.crashSeq. */
export const runCommitLoop = async (dbName: string): Promise<void> => {
  const { store, loaded } = await load(dbName)
  let state: LedgerState
  if (loaded) {
    const s = stateFromLoaded(loaded)
    if (!s.ok) throw new Error('corrupt store at start')
    state = s.value
  } else {
    const g = genesisState(config, protocol)
    await store.commit({
      header: g.state.header,
      txSet: GENESIS_TX_SET,
      results: [],
      changes: g.changes,
    })
    state = g.state
  }
  for (;;) {
    const set = await checkTxSet(
      { prevHeader: state.headerCid, txs: [], proof: [] },
      protocol,
      nobleVerifier,
      0,
    )
    if (!set.ok) throw new Error(set.error.code)
    const r = applyLedger(
      state,
      set.value,
      { closeTimeMs: state.header.closeTimeMs + 1000, signers: [], upgrades: [] },
      { config, protocol },
    )
    if (!r.ok) throw new Error(r.error.code)
    await store.commit({
      header: r.value.header,
      txSet: set.value.set,
      results: [],
      changes: r.value.changes,
    })
    state = r.value.state
    ;(globalThis as { crashSeq?: number }).crashSeq = state.header.seq
  }
}

/** Reloads the store: the last closed ledger's seq and whether its state matches its root. */
export const checkCrashStore = async (dbName: string): Promise<{ seq: number; rootOk: boolean }> => {
  const { store, loaded } = await load(dbName)
  await store.close()
  if (!loaded) return { seq: 0, rootOk: true }
  return { seq: loaded.header.seq, rootOk: stateFromLoaded(loaded).ok }
}
