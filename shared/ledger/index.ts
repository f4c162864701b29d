// The ledger's public API: what SCP integration, mining, the wallet and the simulator import.
// The store acceptance suite (store-acceptance.ts) and test fixtures are imported by path.
export { type Address, addressOf, isAddress, parseAddress } from '../crypto/address.ts'
export {
  type Amount,
  type AmountError,
  amount,
  asUnits,
  DECIMALS,
  formatWatt,
  MAX_AMOUNT,
  parseWatt,
  UNIT,
  watt,
} from './amount.ts'
export {
  checkGenesisConfig,
  dayIndexOf,
  type GenesisConfig,
  type GenesisOptions,
  makeGenesisConfig,
  PHASE1_POOL,
  PROTOCOL_VERSION,
  SUPPLY_CAP,
} from './config.ts'
export { headerCid, type LedgerHeader, parseHeader, TOTALS_LIMITS } from './header.ts'
export {
  decodeTx,
  encodeTx,
  MAX_MEMO_BYTES,
  MAX_OPS_PER_TX,
  MAX_SIGS,
  MAX_TX_BYTES,
  type SignedTx,
  signTx,
  sourceOf,
  type TxBody,
  type TxId,
  txIdOf,
  type TxSignature,
  txSigningHash,
} from './tx.ts'
export {
  type CheckedTx,
  type CheckedTxSet,
  checkTx,
  checkTxSet,
  checkTxs,
  compareTxOrder,
  makeTxSet,
  MAX_PROOF_ENTRIES,
  MAX_PROOF_ENTRY_BYTES,
  MAX_TX_SET_BYTES,
  type TxSet,
} from './tx-set.ts'
export type {
  AnyOpHandler,
  CloseContext,
  CloseStep,
  ModuleTotals,
  OpContext,
  OpHandler,
  Operation,
} from './operations/registry.ts'
export {
  type AnyModule,
  composeProtocol,
  defineModule,
  type ModuleStep,
  moduleOf,
  type Protocol,
  type ProtocolModule,
  withCloseSteps,
} from './module.ts'
export {
  addressListParam,
  addressParam,
  boolParam,
  intParam,
  type ParamField,
  type ParamValue,
  type ParamsJson,
  type ParamsSpec,
  paramsSpec,
  unitsParam,
} from './params.ts'
export {
  genesisProtocolEntry,
  paramsAt,
  PROTOCOL_KEY,
  type ProtocolEntry,
  protocolVersionAt,
} from './protocol-state.ts'
export {
  compareUpgrades,
  isUpgrade,
  MAX_UPGRADES,
  parseUpgrade,
  parseUpgrades,
  type Upgrade,
  upgradeKey,
  validateUpgrade,
  validateUpgrades,
} from './upgrade.ts'
export { checkValidatorSet, MAX_VALIDATORS, VALIDATORS_KEY, validatorSetAt } from './validators.ts'
export {
  appendToList,
  type DataReader,
  dataNumber,
  deleteList,
  listLength,
  readList,
  stateData,
} from './lists.ts'
export {
  CORE_RESULT_CODES,
  type CoreCode,
  coreModule,
  coreProtocol,
} from './operations/core.ts'
export { type CreateAccountOp, createAccount, type PaymentOp, payment } from './operations/payment.ts'
export type { DraftControl, EntryChange, LedgerDraft } from './draft.ts'
export type { LedgerResultCode, ParseCode, PrecheckCode, UnknownOpCode } from './result-codes.ts'
export { credit, debit, issue, payFromFeePool, transfer } from './money.ts'
export {
  type ApplyError,
  type ClosedLedger,
  type CloseInfo,
  applyChanges,
  applyLedger,
  type LedgerEnv,
  precheckTx,
  type TxResult,
} from './apply.ts'
export { GENESIS_PREV, GENESIS_TX_SET, type Genesis, genesisChanges, genesisState } from './genesis.ts'
export {
  type AccountEntry,
  accountKey,
  allAccounts,
  dataKey,
  getAccount,
  getData,
  getPools,
  type LedgerState,
  type Pools,
  POOLS_KEY,
  totalSupply,
} from './state.ts'
export {
  type AccountProof,
  decodeAccountProof,
  encodeAccountProof,
  type EntryProof,
  proveAccount,
  proveEntry,
  verifyAccountProof,
  verifyEntryProof,
} from './proof.ts'
export { compareFeeRate, type SurgeCandidate, selectBySurgePricing } from './surge.ts'
export { createMempool, DEFAULT_MEMPOOL_LIMITS, type Mempool, type MempoolLimits } from './mempool.ts'
export {
  DEFAULT_RETAIN_LEDGERS,
  type LedgerRecord,
  type LedgerStore,
  type LoadedLedger,
  ledgerRecordOf,
  type StoredLedger,
  stateFromLoaded,
} from './store.ts'
export { type ReplayHooks, type ReplayLedger, replayLedgers } from './replay.ts'
export { createMemoryLedgerStore } from './memory-store.ts'
