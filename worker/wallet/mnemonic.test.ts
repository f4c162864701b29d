import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mnemonicToSeedSync } from '@scure/bip39'
import { fromHex, toHex } from '../../shared/util/bytes.ts'
import { createRng } from '../../shared/util/prng.ts'
import { parsePhrase, phraseFromEntropy, pickConfirmPositions, secretFromPhrase } from './mnemonic.ts'

// The all-zero 256-bit entropy of BIP-39's reference vectors: 'abandon' x23 then 'art'
const ALL_ZERO = fromHex('00'.repeat(32))

test('24 words from 32 bytes of entropy, round trip through parsePhrase', () => {
  const words = phraseFromEntropy(ALL_ZERO)
  assert.equal(words.length, 24)
  assert.deepEqual(words.slice(0, 23), Array(23).fill('abandon'))
  assert.equal(words[23], 'art')
  const parsed = parsePhrase(`  ${words.join('  ').toUpperCase()}\n`)
  assert.ok(parsed.ok)
  assert.deepEqual(parsed.value, words)
})

test('the secret is the first 32 bytes of the BIP-39 seed with an empty passphrase', async () => {
  const words = phraseFromEntropy(createRng(3).bytes(32))
  const secret = await secretFromPhrase(words)
  assert.equal(secret.length, 32)
  assert.equal(toHex(secret), toHex(mnemonicToSeedSync(words.join(' '), '').slice(0, 32)))
})

test('bad phrases: word count, unknown word (with its position), checksum', () => {
  const words = phraseFromEntropy(createRng(4).bytes(32))
  const short = parsePhrase(words.slice(0, 23).join(' '))
  assert.deepEqual(short.ok ? undefined : short.error, { code: 'bad_phrase', reason: 'word_count' })
  const typo = [...words]
  typo[4] = 'notaword'
  const unknown = parsePhrase(typo.join(' '))
  assert.deepEqual(unknown.ok ? undefined : unknown.error, {
    code: 'bad_phrase',
    reason: 'unknown_word',
    word: 5,
  })
  const swapped = [...words]
  // replacing the last word with another valid word breaks the checksum (8 checksum bits: 1/256 luck)
  swapped[23] = swapped[23] === 'zoo' ? 'abandon' : 'zoo'
  const sum = parsePhrase(swapped.join(' '))
  assert.equal(sum.ok ? 'ok' : sum.error.reason, 'checksum')
})

test('confirm positions: three distinct positions in 1..24, sorted', () => {
  for (let seed = 0; seed < 200; seed++) {
    const p = pickConfirmPositions(createRng(seed).bytes(16))
    assert.equal(new Set(p).size, 3, `seed ${seed}`)
    assert.ok(
      p.every((x) => x >= 1 && x <= 24),
      `seed ${seed}`,
    )
    assert.deepEqual(
      p,
      [...p].sort((a, b) => a - b),
    )
  }
  assert.deepEqual(pickConfirmPositions(new Uint8Array(16)), [1, 2, 3])
})
