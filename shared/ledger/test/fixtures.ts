// Test fixtures: deterministic keys, a devnet genesis, and helpers to sign and close ledgers.
import { addressOf, type Address } from '../../crypto/address.ts'
import type { PublicKey, Signer } from '../../crypto/signer.ts'
import { createRng } from '../../util/prng.ts'
import { type Amount, watt } from '../amount.ts'
import { applyLedger, type CloseInfo, type ClosedLedger, type LedgerEnv } from '../apply.ts'
import { type GenesisConfig, makeGenesisConfig } from '../config.ts'
import { genesisState } from '../genesis.ts'
import type { Protocol } from '../module.ts'
import { coreProtocol } from '../operations/core.ts'
import type { Operation } from '../operations/registry.ts'
import type { LedgerState } from '../state.ts'
import { encodeTx, signTx, type TxBody } from '../tx.ts'
import { checkTxs, makeTxSet } from '../tx-set.ts'
import { nodeSigner, nodeVerifier } from './node-ed25519.ts'

export interface TestKey {
  readonly signer: Signer
  readonly pk: PublicKey
  readonly address: Address
}

/** A TestKey for a key made elsewhere (a devnet's faucet, a node's key). */
export const keyOf = (signer: Signer): TestKey => ({
  signer,
  pk: signer.publicKey,
  address: addressOf(signer.publicKey),
})

const keys = new Map<number, TestKey>()

/** A deterministic key per label (cached: deriving keys is slow in pure JS). */
export const testKey = (label: number): TestKey => {
  const known = keys.get(label)
  if (known) return known
  const k = keyOf(nodeSigner(createRng(0x5eed + label).bytes(32)))
  keys.set(label, k)
  return k
}

export const RESERVE = testKey(0)
export const FAUCET = testKey(1)
export const VALIDATOR = testKey(2)
export const GENESIS_TIME = 1_800_000_000_000

export const testConfig = (over: Partial<GenesisConfig> = {}): GenesisConfig => ({
  ...makeGenesisConfig({
    networkId: 'watt-test',
    genesisTimeMs: GENESIS_TIME,
    reserveAddress: RESERVE.address,
    validators: [VALIDATOR.address],
    closeIntervalMs: 1000,
    dayLengthMs: 10_000,
    ledgerCapacityOps: 50,
    faucet: { address: FAUCET.address, amount: watt(1_000_000) },
  }),
  ...over,
})

export const env = (config = testConfig()): LedgerEnv => ({ config, protocol: coreProtocol })

/** The agreed facts of a ledger closed at `closeTimeMs` (no signers, no upgrades unless given). */
export const at = (closeTimeMs: number, facts: Partial<CloseInfo> = {}): CloseInfo => ({
  closeTimeMs,
  signers: [],
  upgrades: [],
  ...facts,
})

export const body = (from: TestKey, seq: bigint, ops: Operation[], over: Partial<TxBody> = {}): TxBody => ({
  network: 'watt-test',
  source: from.pk,
  seq,
  fee: (100n * BigInt(ops.length)) as Amount,
  minTimeMs: 0,
  maxTimeMs: 0,
  memo: new Uint8Array(0),
  ops,
  ...over,
})

export const pay = (to: TestKey, amount: bigint): Operation =>
  ({ type: 'payment', dest: to.pk, amount }) as Operation
export const create = (to: TestKey, amount: bigint): Operation =>
  ({ type: 'createAccount', dest: to.pk, amount }) as Operation

export const signed = async (from: TestKey, b: TxBody): Promise<Uint8Array> =>
  encodeTx(await signTx(b, [from.signer]))

/** Checks and applies encoded txs as one ledger; throws on a bad set. */
export const close = async (
  state: LedgerState,
  txs: Uint8Array[],
  closeTimeMs: number,
  e = env(),
  facts: Partial<CloseInfo> = {},
): Promise<ClosedLedger> => {
  const checked = await checkTxs(txs, e.protocol, nodeVerifier)
  const set = makeTxSet(
    state.headerCid,
    checked.map((c) => {
      if (!c.ok) throw new Error(`tx did not decode: ${c.error.code}`)
      return c.value
    }),
  )
  const r = applyLedger(state, set, at(closeTimeMs, facts), e)
  if (!r.ok) throw new Error(`applyLedger: ${r.error.code}`)
  return r.value
}

export const genesis = (config = testConfig(), protocol: Protocol = coreProtocol) =>
  genesisState(config, protocol).state
