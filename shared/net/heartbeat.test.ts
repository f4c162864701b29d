import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { encode } from '../codec/dag-cbor.ts'
import { nobleSigner, nobleVerifier } from '../crypto/noble.ts'
import { type HeartbeatBody, decodeHeartbeat, encodeHeartbeat } from './heartbeat.ts'
import { peerIdOfPublicKey, publicKeyOfPeerId } from './peer-id.ts'

const secret = new Uint8Array(32).fill(7)
const signer = nobleSigner(secret)
const peer = peerIdOfPublicKey(signer.publicKey)
const body: HeartbeatBody = {
  type: 'heartbeat',
  v: 1,
  network: 'devnet',
  peer,
  seq: 1,
  addrs: ['/p2p-circuit/webrtc'],
  role: 'watcher',
  ledgerSeq: 0,
}

test('peer ids round-trip with libp2p own encoding', async () => {
  const key = await generateKeyPair('Ed25519')
  const id = peerIdFromPrivateKey(key).toString()
  assert.deepEqual(publicKeyOfPeerId(id), key.publicKey.raw)
  assert.equal(peerIdOfPublicKey(key.publicKey.raw), id)
  assert.equal(publicKeyOfPeerId('QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N'), undefined)
  assert.equal(publicKeyOfPeerId('12D3KooW!!!'), undefined)
})

test('a signed heartbeat verifies and names its sender', async () => {
  const r = await decodeHeartbeat(await encodeHeartbeat(body, signer), 'devnet', nobleVerifier)
  assert.ok(r.ok)
  if (r.ok) assert.equal(r.value.peer, peer)
})

test('tampered, unsigned, foreign, oversized and garbage heartbeats are dropped with codes', async () => {
  const code = async (bytes: Uint8Array, network = 'devnet') => {
    const r = await decodeHeartbeat(bytes, network, nobleVerifier)
    return r.ok ? 'ok' : r.error.code
  }
  const sig = await signer.sign(encode(body))
  assert.equal(await code(encode({ body: { ...body, seq: 2 }, sig })), 'bad_signature')
  assert.equal(await code(encode({ body, sig: new Uint8Array(0) })), 'unsigned')
  assert.equal(await code(encode({ body })), 'unsigned')
  assert.equal(await code(await encodeHeartbeat(body, signer), 'mainnet'), 'wrong_network')
  assert.equal(await code(new Uint8Array(5000)), 'oversized')
  assert.equal(await code(new Uint8Array([1, 2, 3])), 'malformed')
  assert.equal(await code(encode({ body: { ...body, addrs: Array(50).fill('/x') }, sig })), 'malformed')
  // signed by another key than the one in the peer id
  const other = nobleSigner(new Uint8Array(32).fill(9))
  assert.equal(await code(await encodeHeartbeat(body, other)), 'bad_signature')
})
