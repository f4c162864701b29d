// Account proofs: one entry of the state trie proven against a ledger header. A light client (the
// wallet) holds a trusted header CID (quorum-signed) and checks header -> stateRoot -> leaf, so any
// bit changed in the proof, the entry or the header makes verification fail.
import { type CID, decode, encode } from '../codec/dag-cbor.ts'
import type { Address } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { bytesEqual } from '../util/bytes.ts'
import { headerCid, type LedgerHeader, parseHeader } from './header.ts'
import { exactKeys, isBytes } from './shape.ts'
import { type AccountEntry, accountKey, type LedgerState, readAccount } from './state.ts'
import { keyHashOf, leafHash, rootFromPath, triePath, trieGet, valueHashOf } from './trie.ts'

export interface EntryProof {
  readonly key: string
  readonly value: unknown
  /** Sibling hashes from the root down to the entry's leaf. */
  readonly siblings: readonly Uint8Array[]
}

export interface AccountProof {
  readonly header: LedgerHeader
  readonly address: Address
  readonly entry: EntryProof
}

const MAX_PROOF_BYTES = 16 * 1024
const MAX_DEPTH = 256

export const proveEntry = (state: LedgerState, key: string): EntryProof | undefined => {
  const keyHash = keyHashOf(key)
  const leaf = trieGet(state.tree, keyHash)
  const siblings = triePath(state.tree, keyHash)
  return leaf && siblings ? { key, value: leaf.value, siblings } : undefined
}

export const proveAccount = (state: LedgerState, address: Address): AccountProof | undefined => {
  const entry = proveEntry(state, accountKey(address))
  return entry ? { header: state.header, address, entry } : undefined
}

/** True when the entry proof leads to exactly this state root. */
export const verifyEntryProof = (stateRoot: Uint8Array, p: EntryProof): boolean => {
  if (p.siblings.length > MAX_DEPTH || !p.siblings.every((s) => isBytes(s, 32))) return false
  const keyHash = keyHashOf(p.key)
  return bytesEqual(rootFromPath(leafHash(keyHash, valueHashOf(p.value)), keyHash, p.siblings), stateRoot)
}

/**
 * Verifies an account proof against a trusted header CID, or a trusted header (compared by CID),
 * and returns the proven account entry.
 */
export const verifyAccountProof = (
  trusted: CID | LedgerHeader,
  p: AccountProof,
): Result<AccountEntry, WattError<'bad_proof'>> => {
  const bad = (reason: string) => err(wattError('bad_proof', { reason }))
  const anchor = 'stateRoot' in trusted ? headerCid(trusted) : trusted
  if (!headerCid(p.header).equals(anchor)) return bad('header')
  if (p.entry.key !== accountKey(p.address)) return bad('key')
  if (!verifyEntryProof(p.header.stateRoot, p.entry)) return bad('path')
  try {
    return ok(readAccount(p.entry.value))
  } catch {
    return bad('entry')
  }
}

export const encodeAccountProof = (p: AccountProof): Uint8Array => encode(p)

export const decodeAccountProof = (bytes: Uint8Array): Result<AccountProof, WattError> => {
  const d = decode(bytes, MAX_PROOF_BYTES)
  if (!d.ok) return d
  const x = d.value
  const bad = () => err(wattError('malformed', { what: 'account_proof' }))
  if (!exactKeys(x, ['header', 'address', 'entry']) || typeof x.address !== 'string') return bad()
  if (!exactKeys(x.entry, ['key', 'value', 'siblings']) || typeof x.entry.key !== 'string') return bad()
  if (!Array.isArray(x.entry.siblings)) return bad()
  const header = parseHeader(x.header)
  if (!header.ok) return header
  return ok({ ...(x as unknown as AccountProof), header: header.value })
}
