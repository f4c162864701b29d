// The genesis ledger (seq 1): the reserve account (5% of the cap, less the devnet faucet's share),
// the unissued pools, an empty fee pool, the validator set named in the config and the protocol
// in force (version and every module's parameters, defaults filled in). Supply is conserved from
// here on: balances + fee pool + unissued pools = supply cap.
import { cidOf } from '../codec/dag-cbor.ts'
import type { TxSet } from './tx-set.ts'
import { fail } from '../util/errors.ts'
import type { Amount } from './amount.ts'
import type { GenesisConfig } from './config.ts'
import { applyChanges } from './apply.ts'
import type { EntryChange } from './draft.ts'
import { headerCid, type LedgerHeader } from './header.ts'
import type { Protocol } from './module.ts'
import { genesisProtocolEntry, PROTOCOL_KEY } from './protocol-state.ts'
import { accountKey, type LedgerState, POOLS_KEY } from './state.ts'
import { nodeHash } from './trie.ts'
import { checkValidatorSet, VALIDATORS_KEY } from './validators.ts'

/** The all-zero CID the genesis tx set chains to (there is no previous header). */
export const GENESIS_PREV = cidOf(null)

/** The genesis ledger's (empty) tx set. */
export const GENESIS_TX_SET: TxSet = { prevHeader: GENESIS_PREV, txs: [], proof: [] }

export interface Genesis {
  readonly state: LedgerState
  readonly changes: readonly EntryChange[]
}

/** The genesis entries; a config whose module parameters or validators do not check fails `bad_genesis`. */
export const genesisChanges = (config: GenesisConfig, protocol: Protocol): EntryChange[] => {
  const entry = genesisProtocolEntry(config, protocol)
  if (!entry.ok) return fail(entry.error.code, entry.error)
  const validators = checkValidatorSet(config.validators)
  if (!validators.ok) return fail('bad_genesis', { reason: 'validators', cause: validators.error })
  const faucet = config.faucet
  const changes: EntryChange[] = [
    {
      key: accountKey(config.reserve.address),
      value: { balance: config.reserve.amount - (faucet?.amount ?? 0n), seq: 0n },
    },
    { key: POOLS_KEY, value: { feePool: 0n, unissued: { ...config.unissued } } },
    { key: PROTOCOL_KEY, value: entry.value },
    { key: VALIDATORS_KEY, value: [...validators.value] },
  ]
  if (faucet) changes.push({ key: accountKey(faucet.address), value: { balance: faucet.amount, seq: 0n } })
  return changes.sort((a, b) => (a.key < b.key ? -1 : 1))
}

export const genesisState = (config: GenesisConfig, protocol: Protocol): Genesis => {
  const changes = genesisChanges(config, protocol)
  const tree = applyChanges(null, changes)
  const header: LedgerHeader = {
    protocolVersion: config.protocolVersion,
    networkId: config.networkId,
    seq: 1,
    prevHeader: null,
    txSet: cidOf(GENESIS_TX_SET),
    results: cidOf([]),
    stateRoot: nodeHash(tree),
    closeTimeMs: config.genesisTimeMs,
    dayIndex: 0,
    totalCoins: config.reserve.amount,
    feePool: 0n as Amount,
    moduleTotals: {},
  }
  return { state: { tree, header, headerCid: headerCid(header) }, changes }
}
