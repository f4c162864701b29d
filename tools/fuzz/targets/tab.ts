// What a tab (untrusted: any page script of the origin) and the ports between core, host tab and
// proof workers can send: RPC parameters, handed to the method's guard from the RPC table (the
// very guards the core's server runs) and then to the parser its handler applies next, and port
// messages, handed to their guards and, for the host's connection list, to the peer table.
import * as fc from 'fast-check'
import { parseCid } from '../../../shared/codec/dag-cbor.ts'
import { parseAddress } from '../../../shared/crypto/address.ts'
import { defaultMiningParams } from '../../../shared/mining/params.ts'
import { createPeerTable } from '../../../shared/net/peer-table.ts'
import type { PeerIdString } from '../../../shared/net/peer-id.ts'
import { WattFailure } from '../../../shared/util/errors.ts'
import { RPC_GUARDS, type RpcMethods } from '../../../worker/app/rpc-api.ts'
import { isCoreToHost, isHostToCore } from '../../../worker/core/host-protocol.ts'
import { checkPresence } from '../../../worker/mining/presence.ts'
import { parseAcceptInvite, parseSetCircle } from '../../../worker/mining/mining-requests.ts'
import { isProofEvent, isProofRequest } from '../../../worker/proof/protocol.ts'
import { isFromCore, isToCore } from '../../../worker/rpc/protocol.ts'
import { isComputeHello } from '../../../worker/storage/compute-pool.ts'
import { buildPayment } from '../../../worker/wallet/build-payment.ts'
import { parsePhrase, phraseFromEntropy } from '../../../worker/wallet/mnemonic.ts'
import type { MethodName, RequestOf } from '../../../worker/rpc/table.ts'
import { dataArb, type Vocabulary } from '../data.ts'
import type { Target } from '../target.ts'
import { ALICE, BOB, config, fixtures, genesis, KNOWN_STRINGS, NODE_IDS, QSET } from './fixtures.ts'
import { FAUCET, RESERVE } from '../../../shared/ledger/test/fixtures.ts'

const NOW = config.genesisTimeMs + 500
const { funded } = await fixtures()
const get = (p: unknown, k: string): unknown => (p as Record<string, unknown> | null | undefined)?.[k]

/**
 * After a method's guard (the table's own, RPC_GUARDS): what its handler hands the typed request
 * to next, where that is a parser of its own (see the services' `register` calls). Typed against
 * the table, so a changed request shape fails typecheck here.
 */
const NEXT: { readonly [M in MethodName<RpcMethods>]?: (request: RequestOf<RpcMethods, M>) => unknown } = {
  'wallet.restore': (r) => parsePhrase(r.phrase),
  'wallet.send': (r) =>
    buildPayment(r, {
      state: genesis,
      config,
      source: FAUCET.pk,
      seq: 1n,
      spendable: 10n ** 12n,
      pendingDests: new Set(),
      nowMs: NOW,
    }),
  'mining.checkIn': (r) => checkPresence(r.proof, NOW, 0),
  'mining.setCircle': (r) => parseSetCircle(r.members, ALICE.address, funded, defaultMiningParams),
  'mining.acceptInvite': (r) => parseAcceptInvite(r.ambassador, ALICE.address, funded),
  'ledger.account': (r) => parseAddress(r.address),
  'storage.retrieve': (r) => parseCid(r.cid.trim()),
}

const runMethod = <M extends MethodName<RpcMethods>>(method: M, params: unknown): unknown => {
  const request = RPC_GUARDS[method](params)
  const next = NEXT[method] as ((r: RequestOf<RpcMethods, M>) => unknown) | undefined
  return next ? next(request) : request
}

const PARAM_WORDS: Vocabulary = {
  keys: [
    ...['limit', 'answers', 'replace', 'phrase', 'to', 'amount', 'fee', 'proof', 'members', 'ambassador'],
    ...['pin', 'passkey', 'credentialId', 'salt', 'prf', 'tx', 'address', 'quorumSet', 'nodeId', 'day'],
    ...['offerBytes', 'file', 'cid', 'enrollment', 'privateKey', 'autoAdmit'],
  ],
  strings: [...KNOWN_STRINGS, FAUCET.address, '1.5', '0.0000001', ''],
}

const press = {
  v: 1,
  pointerType: 'mouse',
  down: { at: NOW - 3000, trusted: true },
  up: { at: NOW - 100, trusted: true },
  samples: [NOW - 2500, NOW - 2000, NOW - 1500],
  untrusted: 0,
}

const rpcParams: Target<unknown> = {
  name: 'rpc-params',
  about:
    "a tab's RPC call { method, params }: the method's guard from the RPC table, then its handler's own parser",
  kind: 'clone',
  typed: (e) => e instanceof WattFailure,
  vocabulary: { ...PARAM_WORDS, keys: ['method', 'params', ...(PARAM_WORDS.keys ?? [])] },
  seeds: () => [
    { method: 'core.boot', params: { enrollment: { privateKey: new Uint8Array(68), autoAdmit: true } } },
    { method: 'wallet.history', params: { limit: 10 } },
    { method: 'wallet.create', params: { pin: '975310', replace: true } },
    { method: 'wallet.unlock', params: { prf: new Uint8Array(32) } },
    { method: 'wallet.confirmBackup', params: { answers: { 1: 'abandon', 7: 'zoo' } } },
    {
      method: 'wallet.restore',
      params: { phrase: phraseFromEntropy(new Uint8Array(32)).join(' '), replace: true, pin: '975310' },
    },
    { method: 'wallet.send', params: { to: ALICE.address, amount: '1.5', fee: '' } },
    { method: 'mining.checkIn', params: { proof: press } },
    { method: 'mining.setCircle', params: { members: [FAUCET.address, RESERVE.address, BOB.address] } },
    { method: 'mining.acceptInvite', params: { ambassador: FAUCET.address } },
    { method: 'ledger.recent', params: { limit: 5 } },
    { method: 'ledger.account', params: { address: FAUCET.address } },
    { method: 'validator.admit', params: { nodeId: NODE_IDS[0] } },
    { method: 'storage.setOffer', params: { offerBytes: 1 << 30 } },
    { method: 'quorum.set', params: { quorumSet: QSET } },
    {
      method: 'storage.retrieve',
      params: { cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' },
    },
    { method: 'sim.dayExport', params: { day: 0 } },
    { method: 'ledger.submit', params: { tx: new Uint8Array(40) } },
    { method: 'storage.store', params: { file: new Blob([new Uint8Array(3)]) } },
  ],
  arbitrary: fc.record({
    method: fc.constantFrom(...(Object.keys(RPC_GUARDS) as MethodName<RpcMethods>[])),
    params: dataArb({ ...PARAM_WORDS, data: 'clone' }),
  }),
  run: (x) => {
    const method = get(x, 'method')
    // the server answers a name outside the table `unknown_method` before any guard runs
    if (typeof method !== 'string' || !Object.hasOwn(RPC_GUARDS, method)) return undefined
    return runMethod(method as MethodName<RpcMethods>, get(x, 'params'))
  },
}

const peers = createPeerTable('12D3KooWself' as PeerIdString)
type HostConns = Parameters<typeof peers.setConnections>[0]
const PORT_WORDS: Vocabulary = {
  keys: [
    ...['v', 'kind', 'id', 'method', 'params', 'type', 'peerId', 'listenAddrs', 'conns', 'relays'],
    ...['transports', 'topic', 'from', 'data', 'ok', 'sector', 'result', 'error', 'lock'],
  ],
  strings: [
    ...['call', 'bye', 'attach', 'reply', 'event', 'alive', 'started', 'addrs', 'connections', 'message'],
    ...['dial-result', 'start', 'publish', 'dial', 'webrtc', 'relay', 'websocket', 'compute-hello'],
    ...['write', 'seal', 'seal-proof', 'window-post', 'unseal', 'delete', 'progress', 'done', 'failed'],
  ],
}

const portMessages: Target<unknown> = {
  name: 'port-messages',
  about:
    'MessagePort traffic (tab <-> core RPC, host tab <-> core, proof workers): the guards, then the peer table for host connection lists',
  kind: 'clone',
  vocabulary: PORT_WORDS,
  seeds: () => [
    { v: 1, kind: 'call', id: 1, method: 'wallet.status', params: null },
    { v: 1, kind: 'reply', id: 1, ok: false, error: { code: 'x' } },
    { type: 'connections', relays: 1, conns: [{ peerId: '12D3KooWpeer', transports: ['relay', 'webrtc'] }] },
    { type: 'message', topic: '/watt/watt-test/scp', from: '12D3KooWpeer', data: new Uint8Array(3) },
    { type: 'started', peerId: '12D3KooWpeer', listenAddrs: ['/ip4/1.2.3.4/tcp/1'] },
    { type: 'seal-proof', id: 3, sector: 1, seed: new Uint8Array(32) },
    { type: 'progress', id: 3, sector: 1, layer: 2, fraction: 0.5 },
    { type: 'compute-hello', lock: 'compute-1' },
  ],
  arbitrary: dataArb({ ...PORT_WORDS, data: 'clone' }),
  run: (x) => {
    const accepted = [
      isToCore,
      isFromCore,
      isCoreToHost,
      isProofRequest,
      isProofEvent,
      isComputeHello,
    ].filter((g) => g(x))
    if (isHostToCore(x)) {
      // what the core does with the list (worker/core/node-core.ts, onHost)
      if (x.type === 'connections') peers.setConnections(x.conns as unknown as HostConns, NOW)
      return x
    }
    return accepted.length > 0
  },
}

export const tabTargets: readonly Target[] = [rpcParams, portMessages]
