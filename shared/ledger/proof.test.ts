import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidOf, decode, encode } from '../codec/dag-cbor.ts'
import { createRng } from '../util/prng.ts'
import { watt } from './amount.ts'
import { decodeAccountProof, encodeAccountProof, proveAccount, verifyAccountProof } from './proof.ts'
import { body, close, create, FAUCET, genesis, GENESIS_TIME, signed, testKey } from './test/fixtures.ts'
import type { LedgerState } from './state.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`proof seed: ${seed} (replay with SEED=${seed})`)

let cached: LedgerState | undefined
const stateWithAccounts = async (): Promise<LedgerState> => {
  if (cached) return cached
  const users = Array.from({ length: 40 }, (_, i) => testKey(300 + i))
  const txs = await Promise.all(
    users.map((u, i) => signed(FAUCET, body(FAUCET, BigInt(i + 1), [create(u, watt(i + 1))]))),
  )
  cached = (await close(genesis(), txs, GENESIS_TIME + 1000)).state
  return cached
}

test('a valid account proof verifies against the header and its CID', async () => {
  const s = await stateWithAccounts()
  const who = testKey(317)
  const p = proveAccount(s, who.address)!
  const byCid = verifyAccountProof(s.headerCid, p)
  assert.ok(byCid.ok)
  assert.equal(byCid.value.balance, watt(18))
  assert.ok(verifyAccountProof(s.header, p).ok)
  const round = decodeAccountProof(encodeAccountProof(p))
  assert.ok(round.ok && verifyAccountProof(s.headerCid, round.value).ok)
  assert.equal(proveAccount(s, testKey(9999).address), undefined)
})

test('any bit flipped in the encoded proof fails', async () => {
  const s = await stateWithAccounts()
  const bytes = encodeAccountProof(proveAccount(s, testKey(305).address)!)
  const rng = createRng(seed)
  const positions = Array.from({ length: 400 }, () => rng.int(bytes.length * 8))
  for (const bit of positions) {
    const bad = bytes.slice()
    bad[bit >>> 3]! ^= 1 << (bit & 7)
    const p = decodeAccountProof(bad)
    assert.ok(!p.ok || !verifyAccountProof(s.headerCid, p.value).ok, `bit ${bit} (seed ${seed})`)
  }
})

test('any bit flipped in the trusted header fails', async () => {
  const s = await stateWithAccounts()
  const p = proveAccount(s, testKey(330).address)!
  const headerBytes = encode(s.header)
  for (let bit = 0; bit < headerBytes.length * 8; bit++) {
    const bad = headerBytes.slice()
    bad[bit >>> 3]! ^= 1 << (bit & 7)
    const d = decode(bad)
    if (!d.ok) continue
    assert.ok(!verifyAccountProof(cidOf(d.value), p).ok, `header bit ${bit}`)
  }
})
