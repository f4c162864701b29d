// Documents: quorum sets as JSON (a tab's quorum.set / quorum.analyze, a peer's announcement), the
// relay's /genesis and /bootstrap, and a stellarbeat snapshot for `npm run quorum`.
import { readFileSync } from 'node:fs'
import * as fc from 'fast-check'
import { genesisState } from '../../../shared/ledger/index.ts'
import { genesisFromJson, genesisToJson } from '../../../shared/node/genesis-document.ts'
import { networkProtocol } from '../../../shared/node/protocol.ts'
import { analyzeFbas } from '../../../shared/quorum/analyze.ts'
import { analyzeQuorumHealth } from '../../../shared/quorum/health.ts'
import { fbasFromStellarbeat } from '../../../shared/quorum/read.ts'
import {
  checkQuorumSet,
  type NodeId,
  normalizeQuorumSet,
  parseQuorumSet,
  type QuorumSet,
  quorumSetHash,
} from '../../../shared/scp/index.ts'
import { parseBootstrap } from '../../../worker/core/bootstrap.ts'
import { dataArb, type Vocabulary } from '../data.ts'
import { expect, type Target } from '../target.ts'
import { config, KNOWN_STRINGS, NESTED_QSET, NETWORK, NODE_IDS, QSET } from './fixtures.ts'
import { qsetArb } from './quorum-arb.ts'

const QSET_WORDS: Vocabulary = {
  keys: ['threshold', 'validators', 'innerSets', 'quorumSet'],
  strings: KNOWN_STRINGS,
}
const DEEP: QuorumSet = {
  threshold: 1,
  validators: [],
  innerSets: [{ threshold: 1, validators: [], innerSets: [{ ...NESTED_QSET }] }],
}
const SELF = 'Wself' as NodeId

const quorumSet: Target<unknown> = {
  name: 'quorum-set',
  about:
    'a quorum set as data (quorum.set / quorum.analyze from a tab, an announcement): checkQuorumSet, parseQuorumSet, then hash, normal form and health',
  kind: 'clone',
  vocabulary: QSET_WORDS,
  seeds: () => [QSET, NESTED_QSET, DEEP, { threshold: 1, validators: [NODE_IDS[0]!], innerSets: [] }],
  arbitrary: fc.oneof(qsetArb, dataArb({ ...QSET_WORDS, data: 'clone' })),
  run: (x) => {
    const parsed = parseQuorumSet(x)
    expect(
      !parsed.ok || checkQuorumSet(parsed.value).ok,
      'parseQuorumSet accepted what checkQuorumSet rejects',
    )
    const c = checkQuorumSet(x)
    if (!c.ok) return c
    const q = x as QuorumSet
    quorumSetHash(q)
    normalizeQuorumSet(q, NODE_IDS[0])
    return analyzeQuorumHealth(new Map([[SELF, q], ...NODE_IDS.map((n) => [n, QSET] as const)]))
  },
}

const readFixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../shared/quorum/test/fbas/${name}`, import.meta.url), 'utf8'))

const quorumSnapshot: Target<unknown> = {
  name: 'quorum-snapshot',
  about: 'a stellarbeat nodes document for npm run quorum: fbasFromStellarbeat, then a step-bounded analysis',
  kind: 'json',
  vocabulary: {
    keys: ['publicKey', 'quorumSet', 'threshold', 'validators', 'innerQuorumSets', 'active', 'name'],
    strings: ['GCGB2S2KGYARPVIA37HYZXVRM2YZUEXA6S33ZU5BUDC6THSB62LZSTYH', ...NODE_IDS],
  },
  seeds: () => [readFixture('correct_trivial.json'), readFixture('broken_trivial.json')],
  arbitrary: dataArb({ keys: ['publicKey', 'quorumSet', 'threshold', 'validators'], data: 'json' }),
  run: (doc) => {
    const fbas = fbasFromStellarbeat(doc, { ignoreInactive: true })
    return fbas.ok ? analyzeFbas(fbas.value, { maxSteps: 20_000 }) : fbas
  },
}

const genesisDocument: Target<unknown> = {
  name: 'genesis-document',
  about:
    "the relay's GET /genesis: genesisFromJson; what it accepts must build a genesis state and carry a sane quorum set",
  kind: 'json',
  vocabulary: {
    keys: ['config', 'quorumSet', 'faucetSecret', 'reserve', 'faucet', 'address', 'amount', 'unissued'],
    strings: [...KNOWN_STRINGS, '0', '1', '99999999999999999999'],
  },
  seeds: () => [
    JSON.parse(
      JSON.stringify(genesisToJson({ config, quorumSet: QSET, faucetSecret: new Uint8Array(32).fill(7) })),
    ),
    JSON.parse(
      JSON.stringify(genesisToJson({ config: { ...config, faucet: undefined }, quorumSet: NESTED_QSET })),
    ),
  ],
  arbitrary: dataArb({ keys: ['config', 'quorumSet', 'faucetSecret'], data: 'json' }),
  run: (x) => {
    const doc = genesisFromJson(x)
    if (!doc.ok) return doc
    expect(checkQuorumSet(doc.value.quorumSet).ok, 'genesisFromJson accepted a quorum set createScp refuses')
    return genesisState(doc.value.config, networkProtocol())
  },
}

const bootstrap: Target<unknown> = {
  name: 'bootstrap',
  about: "the relay's GET /bootstrap: parseBootstrap",
  kind: 'json',
  vocabulary: {
    keys: ['network', 'relays', 'quorumSet', 'iceServers'],
    strings: [NETWORK, '/ip4/127.0.0.1/tcp/1/ws'],
  },
  seeds: () => [{ network: NETWORK, relays: ['/ip4/127.0.0.1/tcp/9/ws/p2p/12D3KooW'], quorumSet: QSET }],
  arbitrary: dataArb({ keys: ['network', 'relays'], strings: [NETWORK], data: 'json' }),
  run: (x) => parseBootstrap(x),
}

export const documentTargets: readonly Target[] = [quorumSet, quorumSnapshot, genesisDocument, bootstrap]
