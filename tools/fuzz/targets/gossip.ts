// Gossip: what any peer can publish on the network's topics (scp, ledger, tx, heartbeat), run
// through the decoders and the guards the consensus node and the core apply to it, in their order.
import * as fc from 'fast-check'
import { decode, encode } from '../../../shared/codec/dag-cbor.ts'
import {
  applyLedger,
  checkTx,
  checkTxSet,
  createMempool,
  decodeAccountProof,
  encodeAccountProof,
  proveAccount,
  type TxSet,
  verifyAccountProof,
} from '../../../shared/ledger/index.ts'
import { FAUCET, RESERVE } from '../../../shared/ledger/test/fixtures.ts'
import { encodeHeartbeat, decodeHeartbeat, type HeartbeatBody } from '../../../shared/net/heartbeat.ts'
import { peerIdOfPublicKey } from '../../../shared/net/peer-id.ts'
import { createPeerTable } from '../../../shared/net/peer-table.ts'
import { collectCatchupBatch, verifyArchivedLedger } from '../../../shared/node/catchup.ts'
import {
  type ArchivedLedger,
  decodeLedgerMessage,
  decodeScpMessage,
  encodeMessage,
  isTxSet,
  MAX_CATCHUP_BATCH,
} from '../../../shared/node/messages.ts'
import { createRequestBook, makeValidatorRequest } from '../../../shared/node/validator-request.ts'
import { proofNodes } from '../../../shared/node/close-proof.ts'
import { decodeLedgerValue, encodeLedgerValue, statementTxSets } from '../../../shared/node/value.ts'
import { checkQuorumSet, DEFAULT_SCP_LIMITS, decodeEnvelope, type NodeId } from '../../../shared/scp/index.ts'
import { dataArb, type Vocabulary } from '../data.ts'
import { expect, type Target } from '../target.ts'
import { bytesEqual } from '../../../shared/util/bytes.ts'
import {
  config,
  encodeSafe,
  env,
  fixtures,
  genesis,
  KNOWN_STRINGS,
  NESTED_QSET,
  NETWORK,
  NODE_IDS,
  QSET,
  VALIDATORS,
  verifier,
  WATCHER,
} from './fixtures.ts'
import { qsetArb } from './quorum-arb.ts'

const SCP_WORDS: Vocabulary = {
  keys: [
    ...['type', 'env', 'qset', 'threshold', 'validators', 'innerSets', 'set', 'prevHeader', 'txs', 'cid'],
    ...['nodeId', 'at', 'sig', 'statement', 'signature', 'slot', 'quorumSetHash', 'votes', 'accepted'],
    ...['ballot', 'counter', 'value', 'prepared', 'preparedPrime', 'nC', 'nH', 'nPrepared', 'nCommit'],
    ...['commit', 'commitQuorumSetHash', 'from', 'limit', 'ledgers', 'seq', 'externalizes', 'qsets'],
  ],
  strings: [
    ...['envelope', 'txset', 'txset-req', 'validator-req', 'catchup-req', 'catchup-res'],
    ...['nominate', 'prepare', 'confirm', 'externalize'],
    ...KNOWN_STRINGS,
  ],
}

/** Random CBOR shaped by the vocabulary, or raw bytes. */
const cborArb = (words: Vocabulary): fc.Arbitrary<Uint8Array> =>
  fc.oneof(dataArb({ ...words, data: 'cbor' }).map(encodeSafe), fc.uint8Array({ maxLength: 300 }))

/** Random CBOR with every gossip message's words. */
export const gossipCbor = cborArb(SCP_WORDS)

const MAX_TXS = config.ledgerCapacityOps
const NOW = config.genesisTimeMs + 500

/** A tx set as the node takes it from a peer: checked, then (once a value names it) applied. */
const checkAndApply = async (set: TxSet) => {
  const checked = await checkTxSet(set, env.protocol, verifier, MAX_TXS)
  if (!checked.ok) return checked
  return applyLedger(
    genesis,
    checked.value,
    { closeTimeMs: config.genesisTimeMs + 1000, signers: [], upgrades: [] },
    env,
  )
}

const requests = createRequestBook(NETWORK, verifier, () => NOW)

const dagCbor: Target<Uint8Array> = {
  name: 'dag-cbor',
  about:
    'the codec every message goes through: decode; what it accepts must be the canonical encoding of its value',
  kind: 'bytes',
  cbor: true,
  vocabulary: SCP_WORDS,
  seeds: async () => {
    const f = await fixtures()
    return [
      encode({ a: [1, -2, 2n ** 63n, 'x', null, true, 0.5], b: f.txSet.cid, c: new Uint8Array(3) }),
      f.value,
      ...f.txs,
    ]
  },
  arbitrary: gossipCbor,
  run: (bytes) => {
    const d = decode<unknown>(bytes)
    if (d.ok) expect(bytesEqual(encode(d.value), bytes), 'decode accepted a non-canonical encoding')
    return d
  },
}

export const scpMessage: Target<Uint8Array> = {
  name: 'scp-message',
  about:
    'scp topic: decodeScpMessage, then checkQuorumSet and decodeEnvelope, checkTxSet (and applyLedger), or the request book',
  kind: 'bytes',
  cbor: true,
  vocabulary: SCP_WORDS,
  seeds: async () => {
    const f = await fixtures()
    const req = await makeValidatorRequest(VALIDATORS[0]!.signer, NETWORK, NODE_IDS[0]!, NOW)
    return [
      ...f.envelopes.map((env, i) =>
        encodeMessage({ type: 'envelope', env, qset: i % 2 ? QSET : NESTED_QSET }),
      ),
      encodeMessage({ type: 'txset', set: f.txSet.set }),
      encodeMessage({ type: 'txset-req', cid: f.txSet.cid.toString() }),
      encodeMessage(req),
    ]
  },
  arbitrary: fc.oneof(
    cborArb(SCP_WORDS),
    fc.record({ type: fc.constant('envelope'), env: fc.uint8Array(), qset: qsetArb }).map(encodeSafe),
  ),
  run: async (bytes) => {
    const m = decodeScpMessage(bytes)
    if (!m) return undefined
    if (m.type === 'txset') return checkAndApply(m.set)
    if (m.type === 'txset-req') return m
    if (m.type === 'validator-req') return requests.receive(m, new Set())
    checkQuorumSet(m.qset)
    return decodeEnvelope(m.env, DEFAULT_SCP_LIMITS)
  },
}

const scpEnvelope: Target<Uint8Array> = {
  name: 'scp-envelope',
  about:
    'an envelope inside an scp message: decodeEnvelope, then the tx sets its values name (decodeLedgerValue)',
  kind: 'bytes',
  cbor: true,
  vocabulary: SCP_WORDS,
  seeds: async () => (await fixtures()).envelopes,
  arbitrary: cborArb(SCP_WORDS),
  run: (bytes) => {
    const e = decodeEnvelope(bytes, DEFAULT_SCP_LIMITS)
    if (e.ok) statementTxSets(e.value.statement)
    return e
  },
}

const ledgerValue: Target<Uint8Array> = {
  name: 'ledger-value',
  about:
    'the value SCP agrees on (in every ballot and nomination): decodeLedgerValue, re-encoded as the node combines candidates',
  kind: 'bytes',
  cbor: true,
  vocabulary: { keys: ['txSet'], strings: KNOWN_STRINGS },
  seeds: async () => [(await fixtures()).value],
  arbitrary: fc.oneof(
    cborArb({ strings: KNOWN_STRINGS }),
    fc.tuple(fc.string(), fc.integer(), fc.array(fc.constantFrom(...NODE_IDS, 'x'))).map(encodeSafe),
  ),
  run: (bytes) => {
    const v = decodeLedgerValue(bytes)
    return v && encodeLedgerValue(v)
  },
}

const archived = async (): Promise<ArchivedLedger> => {
  const f = await fixtures()
  return { seq: 2, value: f.value, set: f.txSet.set, externalizes: f.externalizes, qsets: [QSET] }
}

/** A catch-up response as the node takes it: quorum sets filed, the proof verified, the set checked. */
const takeCatchup = async (ledgers: readonly ArchivedLedger[]) => {
  for (const l of ledgers) {
    for (const q of l.qsets) checkQuorumSet(q)
    const counted = new Set(QSET.validators)
    const local = { nodeId: WATCHER.address as string as NodeId, quorumSet: QSET }
    const v = await verifyArchivedLedger(l, local, new TextEncoder().encode(NETWORK), verifier, (n) =>
      counted.has(n),
    )
    if (!v.ok) return v
    const set = await checkTxSet(l.set, env.protocol, verifier, MAX_TXS)
    if (!set.ok) return set
    for (const e of l.externalizes) decodeEnvelope(e, DEFAULT_SCP_LIMITS)
    const { closeTimeMs, upgrades } = v.value.value
    const applied = applyLedger(
      genesis,
      set.value,
      { closeTimeMs, signers: proofNodes(l.set), upgrades },
      env,
    )
    if (!applied.ok) return applied
  }
  return ledgers
}

export const catchup: Target<Uint8Array> = {
  name: 'catchup',
  about:
    'ledger topic: decodeLedgerMessage, then collectCatchupBatch, or verifyArchivedLedger, checkTxSet and applyLedger',
  kind: 'bytes',
  cbor: true,
  vocabulary: SCP_WORDS,
  seeds: async () => [
    encodeMessage({ type: 'catchup-req', from: 2, limit: MAX_CATCHUP_BATCH }),
    encodeMessage({ type: 'catchup-res', ledgers: [await archived()] }),
  ],
  arbitrary: cborArb(SCP_WORDS),
  run: async (bytes) => {
    const m = decodeLedgerMessage(bytes)
    if (!m) return undefined
    if (m.type === 'catchup-res') return takeCatchup(m.ledgers)
    const a = await archived()
    const limit = Math.min(m.limit, MAX_CATCHUP_BATCH)
    return collectCatchupBatch(m.from, limit, (s) => (s === 2 ? a : undefined), undefined)
  },
}

const peers = createPeerTable(peerIdOfPublicKey(VALIDATORS[2]!.pk))
const heartbeatBody = (i: number): HeartbeatBody => ({
  type: 'heartbeat',
  v: 1,
  network: NETWORK,
  peer: peerIdOfPublicKey(VALIDATORS[i]!.pk),
  seq: 7 + i,
  addrs: i === 0 ? [] : ['/ip4/127.0.0.1/tcp/9/ws/p2p-circuit/webrtc'],
  role: i === 0 ? 'validator' : 'watcher',
  ledgerSeq: 3,
})

const heartbeat: Target<Uint8Array> = {
  name: 'heartbeat',
  about:
    'heartbeat topic: decodeHeartbeat (shape, network, signature by the peer id key), then the peer table',
  kind: 'bytes',
  cbor: true,
  vocabulary: {
    keys: ['body', 'sig', 'type', 'v', 'network', 'peer', 'seq', 'addrs', 'role', 'ledgerSeq'],
    strings: ['heartbeat', 'validator', 'watcher', NETWORK, heartbeatBody(0).peer],
  },
  seeds: () => Promise.all([0, 1].map((i) => encodeHeartbeat(heartbeatBody(i), VALIDATORS[i]!.signer))),
  arbitrary: cborArb({ keys: ['body', 'sig', 'peer', 'addrs'], strings: ['heartbeat', NETWORK] }),
  run: async (bytes) => {
    const r = await decodeHeartbeat(bytes, NETWORK, verifier)
    if (r.ok) peers.heard(r.value.peer, r.value, NOW)
    return r
  },
}

const mempool = createMempool(config)
const TX_WORDS: Vocabulary = {
  keys: [
    'body',
    'sigs',
    'pk',
    'sig',
    'network',
    'source',
    'seq',
    'fee',
    'minTimeMs',
    'maxTimeMs',
    'memo',
    'ops',
  ],
  strings: ['payment', 'createAccount', 'checkIn', 'setCircle', 'acceptInvite', NETWORK],
}

export const tx: Target<Uint8Array> = {
  name: 'tx',
  about:
    'tx topic and ledger.submit: checkTx (strict decode, every operation parser, signatures), then the mempool',
  kind: 'bytes',
  cbor: true,
  vocabulary: TX_WORDS,
  seeds: async () => (await fixtures()).txs,
  arbitrary: cborArb(TX_WORDS),
  run: async (bytes) => {
    const c = await checkTx(bytes, env.protocol, verifier)
    return c.ok ? mempool.add(c.value, genesis, NOW) : c
  },
}

const txSet: Target<Uint8Array> = {
  name: 'tx-set',
  about:
    'a tx set from a peer (txset message, catch-up): isTxSet shape, checkTxSet, then applyLedger on its header',
  kind: 'bytes',
  cbor: true,
  vocabulary: TX_WORDS,
  seeds: async () => [encode((await fixtures()).txSet.set)],
  arbitrary: cborArb({ keys: ['prevHeader', 'txs'], strings: KNOWN_STRINGS }),
  run: async (bytes) => {
    const d = decode<unknown>(bytes)
    if (!d.ok) return d
    return isTxSet(d.value) ? checkAndApply(d.value) : undefined
  },
}

const accountProof: Target<Uint8Array> = {
  name: 'account-proof',
  about:
    "a light client's account proof from a peer: decodeAccountProof, then verifyAccountProof against the trusted header",
  kind: 'bytes',
  cbor: true,
  vocabulary: {
    keys: [
      'header',
      'address',
      'entry',
      'key',
      'value',
      'siblings',
      'balance',
      'seq',
      'stateRoot',
      'prevHeader',
    ],
    strings: [...KNOWN_STRINGS, `a/${FAUCET.address}`],
  },
  seeds: () => [FAUCET, RESERVE].map((k) => encodeAccountProof(proveAccount(genesis, k.address)!)),
  arbitrary: cborArb({ keys: ['header', 'address', 'entry', 'siblings'], strings: KNOWN_STRINGS }),
  run: (bytes) => {
    const p = decodeAccountProof(bytes)
    return p.ok ? verifyAccountProof(genesis.headerCid, p.value) : p
  },
}

export const gossipTargets: readonly Target[] = [
  dagCbor,
  scpMessage,
  scpEnvelope,
  ledgerValue,
  catchup,
  heartbeat,
  tx,
  txSet,
  accountProof,
]
