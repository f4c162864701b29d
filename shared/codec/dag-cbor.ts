// Deterministic encoding: every signed or hashed structure is DAG-CBOR, named by a CIDv1
// (codec dag-cbor, sha2-256). Decoding is strict and bounded; bad bytes become typed errors.
// Strict includes canonical: a value has one encoding, so bytes that decode but would encode
// otherwise (map keys out of order, an integer written as a float) are malformed.
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 } from '@noble/hashes/sha2.js'
import { type Result, err, ok, wattError, type WattError } from '../util/errors.ts'
import type { Brand } from '../util/brand.ts'
import { bytesEqual } from '../util/bytes.ts'

export { CID }
export const DAG_CBOR = 0x71
export const RAW = 0x55
export const SHA2_256 = 0x12

/** A CID rendered as its canonical base32 string. */
export type CidString = Brand<string, 'CidString'>

export const encode = (value: unknown): Uint8Array => dagCbor.encode(value)

export const decode = <T = unknown>(bytes: Uint8Array, maxBytes = 1 << 20): Result<T, WattError> => {
  if (bytes.length > maxBytes) return err(wattError('oversized', { size: bytes.length, max: maxBytes }))
  try {
    const value = dagCbor.decode<T>(bytes)
    if (!bytesEqual(dagCbor.encode(value), bytes))
      return err(wattError('malformed', { reason: 'non_canonical' }))
    return ok(value)
  } catch (e) {
    return err(wattError('malformed', { message: e instanceof Error ? e.message : String(e) }))
  }
}

export const cidOfBytes = (bytes: Uint8Array, codec: number = DAG_CBOR): CID =>
  CID.createV1(codec, Digest.create(SHA2_256, sha256(bytes)))

/** The CID of a value's DAG-CBOR encoding. */
export const cidOf = (value: unknown): CID => cidOfBytes(encode(value))

export const cidString = (cid: CID): CidString => cid.toString() as CidString

export const parseCid = (s: string): Result<CID, WattError> => {
  try {
    return ok(CID.parse(s))
  } catch {
    return err(wattError('bad_cid', { value: s.slice(0, 120) }))
  }
}
