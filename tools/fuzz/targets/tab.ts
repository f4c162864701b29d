// What a tab (untrusted: any page script of the origin) and the ports between core, host tab and
// proof workers can send: RPC parameters, handed to the guards each service method applies to
// them (one line per method, the handler's own argument expression), and port messages, handed
// to their guards and, for the host's connection list, to the peer table that consumes it.
import * as fc from 'fast-check'
import { parseCid } from '../../../shared/codec/dag-cbor.ts'
import { parseAddress } from '../../../shared/crypto/address.ts'
import { defaultMiningParams } from '../../../shared/mining/params.ts'
import { createPeerTable } from '../../../shared/net/peer-table.ts'
import type { PeerIdString } from '../../../shared/net/peer-id.ts'
import { checkQuorumSet } from '../../../shared/scp/index.ts'
import { isCoreToHost, isHostToCore } from '../../../worker/core/host-protocol.ts'
import { checkPresence } from '../../../worker/mining/presence.ts'
import { parseAcceptInvite, parseSetCircle } from '../../../worker/mining/mining-requests.ts'
import { isProofEvent, isProofRequest } from '../../../worker/proof/protocol.ts'
import { isFromCore, isToCore } from '../../../worker/rpc/protocol.ts'
import { isComputeHello } from '../../../worker/storage/compute-pool.ts'
import { buildPayment, isSendRequest } from '../../../worker/wallet/build-payment.ts'
import { MAX_HISTORY } from '../../../worker/wallet/history.ts'
import { parsePhrase, phraseFromEntropy } from '../../../worker/wallet/mnemonic.ts'
import { intParam, isObj, textParam } from '../../../worker/rpc/params.ts'
import { isReplace, parseAnswers, parseLimit } from '../../../worker/wallet/rpc-params.ts'
import { dataArb, type Vocabulary } from '../data.ts'
import type { Target } from '../target.ts'
import { ALICE, BOB, config, fixtures, genesis, KNOWN_STRINGS, NODE_IDS, QSET } from './fixtures.ts'
import { FAUCET, RESERVE } from '../../../shared/ledger/test/fixtures.ts'

const NOW = config.genesisTimeMs + 500
const { funded } = await fixtures()
const get = (p: unknown, k: string): unknown => (p as Record<string, unknown> | null | undefined)?.[k]

/** Per RPC method: what its handler hands its parameters to (see the services' `register` calls). */
const RPC_GUARDS: Record<string, (p: unknown) => unknown> = {
  'wallet.history': (p) => parseLimit(p, MAX_HISTORY),
  'wallet.ledgers': (p) => parseLimit(p, 50),
  'wallet.confirmBackup': (p) => parseAnswers(p),
  'wallet.create': (p) => isReplace(p),
  'wallet.restore': (p) =>
    isObj(p) && typeof p.phrase === 'string' && p.phrase.length <= 1000 && parsePhrase(p.phrase),
  'wallet.send': (p) =>
    isSendRequest(p) &&
    buildPayment(p, {
      state: genesis,
      config,
      source: FAUCET.pk,
      seq: 1n,
      spendable: 10n ** 12n,
      pendingDests: new Set(),
      nowMs: NOW,
    }),
  'mining.checkIn': (p) => checkPresence(get(p, 'proof'), NOW, 0),
  'mining.setCircle': (p) => parseSetCircle(p, ALICE.address, funded, defaultMiningParams),
  'mining.acceptInvite': (p) => parseAcceptInvite(p, ALICE.address, funded),
  'ledger.recent': (p) => Math.min(50, Math.max(1, intParam(p, 'limit') ?? 10)),
  'ledger.account': (p) => parseAddress(textParam(p, 'address')),
  'validator.admit': (p) => parseAddress(textParam(p, 'nodeId')),
  'storage.setOffer': (p) => intParam(p, 'offerBytes'),
  'quorum.set': (p) => checkQuorumSet(get(p, 'quorumSet')),
  'storage.retrieve': (p) => parseCid(textParam(p, 'cid', 200).trim()),
  'sim.dayExport': (p) => (isObj(p) ? p.day : undefined),
}

const PARAM_WORDS: Vocabulary = {
  keys: ['limit', 'answers', 'replace', 'phrase', 'to', 'amount', 'fee', 'proof', 'members', 'ambassador'],
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
  about: "a tab's RPC call { method, params }: the guards the method's handler applies to params",
  kind: 'clone',
  vocabulary: { ...PARAM_WORDS, keys: ['method', 'params', ...(PARAM_WORDS.keys ?? [])] },
  seeds: () => [
    { method: 'wallet.history', params: { limit: 10 } },
    { method: 'wallet.confirmBackup', params: { answers: { 1: 'abandon', 7: 'zoo' } } },
    {
      method: 'wallet.restore',
      params: { phrase: phraseFromEntropy(new Uint8Array(32)).join(' '), replace: true },
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
  ],
  arbitrary: fc.record({
    method: fc.constantFrom(...Object.keys(RPC_GUARDS)),
    params: dataArb({ ...PARAM_WORDS, data: 'clone' }),
  }),
  run: (x) => {
    const method = get(x, 'method')
    const guard =
      typeof method === 'string' && Object.hasOwn(RPC_GUARDS, method) ? RPC_GUARDS[method] : undefined
    return guard?.(get(x, 'params'))
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
