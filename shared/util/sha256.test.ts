import { randomInt } from 'node:crypto'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sha256 } from '@noble/hashes/sha2.js'
import { createRng } from './prng.ts'
import { sha256Node, sha256Small } from './sha256.ts'
import { toHex, utf8 } from './bytes.ts'

const seed = Number(process.env.SEED ?? randomInt(2 ** 31 - 1))
console.log(`sha256 seed: ${seed} (replay with SEED=${seed})`)

test('matches the reference on known vectors and every length up to 300 bytes', () => {
  assert.equal(
    toHex(sha256Small(utf8(''))),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  )
  assert.equal(
    toHex(sha256Small(utf8('abc'))),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  )
  const rng = createRng(seed)
  for (let n = 0; n <= 300; n++) {
    const m = rng.bytes(n)
    assert.equal(toHex(sha256Small(m)), toHex(sha256(m)), `length ${n}`)
  }
})

test('the node hash is the hash of tag || a || b', () => {
  const rng = createRng(seed + 1)
  for (let i = 0; i < 200; i++) {
    const [a, b, tag] = [rng.bytes(32), rng.bytes(32), rng.int(256)]
    const m = new Uint8Array([tag, ...a, ...b])
    assert.equal(toHex(sha256Node(tag, a, b)), toHex(sha256(m)), `case ${i}`)
  }
})
