// The little world the targets run in, built once per process with the project's own encoders: a
// devnet genesis with funded keys, signed transactions and a tx set on its header, three validators
// with a quorum set, and signed SCP envelopes of every statement type for the next slot.
import { cidOf, cidString, encode } from '../../../shared/codec/dag-cbor.ts'
import type { Address } from '../../../shared/crypto/address.ts'
import {
  applyLedger,
  genesisState,
  type LedgerEnv,
  makeTxSet,
  type Operation,
} from '../../../shared/ledger/index.ts'
import { body, FAUCET, RESERVE, signed, testConfig, testKey } from '../../../shared/ledger/test/fixtures.ts'
import { uncachedNodeVerifier } from '../../../shared/ledger/test/node-ed25519.ts'
import { checkTxs } from '../../../shared/ledger/tx-set.ts'
import { networkEnv } from '../../../shared/node/protocol.ts'
import { encodeLedgerValue } from '../../../shared/node/value.ts'
import {
  encodeEnvelope,
  type NodeId,
  type QuorumSet,
  quorumSetHash,
  type Statement,
  signingBytes,
} from '../../../shared/scp/index.ts'
import { utf8 } from '../../../shared/util/bytes.ts'

export const NETWORK = 'watt-test'
export const NETWORK_ID = utf8(NETWORK)
export const verifier = uncachedNodeVerifier
/** Keys with no account at genesis (destinations), the three validators and a watcher. */
export const ALICE = testKey(10)
export const BOB = testKey(11)
export const VALIDATORS = [testKey(20), testKey(21), testKey(22)]
export const WATCHER = testKey(23)
export const NODE_IDS = VALIDATORS.map((k) => k.address as string as NodeId)

export const config = testConfig({ validators: VALIDATORS.map((k) => k.address) })
export const env: LedgerEnv = networkEnv(config)
export const genesis = genesisState(config, env.protocol).state
export const QSET: QuorumSet = { threshold: 2, validators: NODE_IDS, innerSets: [] }
export const NESTED_QSET: QuorumSet = {
  threshold: 2,
  validators: [NODE_IDS[0]!],
  innerSets: [{ threshold: 1, validators: NODE_IDS.slice(1), innerSets: [] }],
}

const op = (o: Record<string, unknown>) => o as unknown as Operation

/** One signed transaction per operation type the network knows, from funded accounts. */
const makeTxs = async (): Promise<Uint8Array[]> => [
  await signed(
    FAUCET,
    body(FAUCET, 1n, [op({ type: 'createAccount', dest: ALICE.pk, amount: 50_000_000n })]),
  ),
  await signed(
    FAUCET,
    body(FAUCET, 2n, [op({ type: 'payment', dest: RESERVE.pk, amount: 1n })], { memo: utf8('m') }),
  ),
  await signed(FAUCET, body(FAUCET, 3n, [op({ type: 'createAccount', dest: BOB.pk, amount: 50_000_000n })])),
  await signed(RESERVE, body(RESERVE, 1n, [op({ type: 'checkIn', presence: { kind: 'hold' } })])),
  await signed(
    RESERVE,
    body(RESERVE, 2n, [op({ type: 'setCircle', members: [FAUCET.pk, ALICE.pk, BOB.pk] })], {
      maxTimeMs: 2e12,
    }),
  ),
  await signed(RESERVE, body(RESERVE, 3n, [op({ type: 'acceptInvite', ambassador: FAUCET.pk })])),
]

const statements = (value: Uint8Array, slot: number, nodeId: NodeId): Statement[] => {
  const quorumSetHash_ = quorumSetHash(QSET)
  const ballot = { counter: 1, value }
  return [
    { type: 'nominate', nodeId, slot, quorumSetHash: quorumSetHash_, votes: [value], accepted: [] },
    {
      type: 'prepare',
      nodeId,
      slot,
      quorumSetHash: quorumSetHash_,
      ballot,
      prepared: ballot,
      preparedPrime: null,
      nC: 1,
      nH: 1,
    },
    { type: 'confirm', nodeId, slot, quorumSetHash: quorumSetHash_, ballot, nPrepared: 1, nCommit: 1, nH: 1 },
    { type: 'externalize', nodeId, slot, commit: ballot, nH: 1, commitQuorumSetHash: quorumSetHash_ },
  ]
}

const signEnvelope = async (st: Statement, i: number): Promise<Uint8Array> =>
  encodeEnvelope({ statement: st, signature: await VALIDATORS[i]!.signer.sign(signingBytes(NETWORK_ID, st)) })

const build = async () => {
  const txs = await makeTxs()
  const checked = (await checkTxs(txs, env.protocol, verifier)).flatMap((r) => (r.ok ? [r.value] : []))
  const txSet = makeTxSet(genesis.headerCid, checked)
  const value = encodeLedgerValue({
    txSet: cidString(txSet.cid),
    closeTimeMs: config.genesisTimeMs + 1000,
    upgrades: [],
  })
  const envelopes: Uint8Array[] = []
  for (const [i, id] of NODE_IDS.entries())
    for (const st of statements(value, 2, id)) envelopes.push(await signEnvelope(st, i))
  const externalizes = envelopes.filter((_, k) => k % 4 === 3)
  const closed = applyLedger(
    genesis,
    txSet,
    { closeTimeMs: config.genesisTimeMs + 1000, signers: [], upgrades: [] },
    env,
  )
  if (!closed.ok) throw new Error(`fuzz fixtures: the seed tx set does not apply (${closed.error.code})`)
  /** After ledger 2: ALICE and BOB have accounts. */
  const funded = closed.value.state
  return { txs, checked, txSet, value, envelopes, externalizes, funded }
}

let world: ReturnType<typeof build> | undefined
/** The shared fixture world (built on first use). */
export const fixtures = () => {
  world ??= build()
  return world
}

/** Node ids and addresses the vocabularies mention, so random maps name real nodes sometimes. */
export const KNOWN_STRINGS: readonly string[] = [
  ...NODE_IDS,
  ALICE.address as Address,
  NETWORK,
  cidString(cidOf(null)),
  cidString(genesis.headerCid),
]

export const encodeSafe = (x: unknown): Uint8Array => {
  try {
    return encode(x)
  } catch {
    return new Uint8Array([0xf7])
  }
}
