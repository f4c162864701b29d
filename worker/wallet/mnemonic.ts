// Recovery phrases: BIP-39 English, 24 words (256 bits of entropy). The account's Ed25519 secret
// key is the first 32 bytes of the BIP-39 seed (PBKDF2-HMAC-SHA512, 2048 rounds, empty
// passphrase). No derivation path: one phrase, one WATT account, easy to restore anywhere.
import { entropyToMnemonic, mnemonicToSeed, validateMnemonic } from '@scure/bip39'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import { err, ok, type Result, type WattError, wattError } from '../../shared/util/errors.ts'

export const PHRASE_WORDS = 24
export const ENTROPY_BYTES = 32
/** How many words the user re-enters to confirm the backup. */
export const CONFIRM_WORDS = 3

export type PhraseProblem = 'word_count' | 'unknown_word' | 'checksum'
export type PhraseError = WattError<'bad_phrase'> & { readonly reason: PhraseProblem; readonly word?: number }

const bad = (reason: PhraseProblem, word?: number): { ok: false; error: PhraseError } =>
  err(wattError('bad_phrase', word === undefined ? { reason } : { reason, word }) as PhraseError)

/** A fresh 24-word phrase from 32 bytes of entropy (the caller's randomness port supplies them). */
export const phraseFromEntropy = (entropy: Uint8Array): string[] => {
  if (entropy.length !== ENTROPY_BYTES) throw new RangeError('a 24-word phrase needs 32 bytes of entropy')
  return entropyToMnemonic(entropy, wordlist).split(' ')
}

/** Normalizes typed text (any spacing, any case) and checks words and checksum. */
export const parsePhrase = (text: string): Result<string[], PhraseError> => {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length !== PHRASE_WORDS) return bad('word_count')
  const unknown = words.findIndex((w) => !wordlist.includes(w))
  if (unknown >= 0) return bad('unknown_word', unknown + 1)
  if (!validateMnemonic(words.join(' '), wordlist)) return bad('checksum')
  return ok(words)
}

/** The Ed25519 secret key of a phrase: the first 32 bytes of its BIP-39 seed. */
export const secretFromPhrase = async (words: readonly string[]): Promise<Uint8Array> => {
  const seed = await mnemonicToSeed(words.join(' '))
  const secret = seed.slice(0, 32)
  seed.fill(0)
  return secret
}

/** Which words (1-based positions, ascending) the user must re-enter; distinct, from random bytes. */
export const pickConfirmPositions = (random: Uint8Array): number[] => {
  const picked = new Set<number>()
  for (const b of random) {
    if (picked.size === CONFIRM_WORDS) break
    picked.add((b % PHRASE_WORDS) + 1)
  }
  for (let p = 1; picked.size < CONFIRM_WORDS; p++) picked.add(p)
  return [...picked].sort((a, b) => a - b)
}
