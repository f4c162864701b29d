// Window Proof-of-Spacetime (W11): in each proving window a provider opens, for every sector
// it proves, `challengesPerSector` replica nodes drawn from the window's ledger randomness and
// the previous window's answer digest, with Merkle paths to CommR. The answer's digest seeds
// the next window, chaining a proving period. Proof layout per sector (in the given order):
// commC (32) then, per challenge, leaf (32) + path (depth x 32).
import { bytesEqual } from '../util/bytes.ts'
import type { Sha256 } from './hash.ts'
import { type LeafReader, type TreeCache, openPath, rootFromPath } from './merkle.ts'
import { NODE_SIZE, type PostParams } from './params.ts'
import { ByteReader, ByteWriter, readU32, tag, u32be, u64be } from './proof-bytes.ts'
import { commRFrom } from './sealing.ts'

const CHALLENGE_TAG = tag('post-challenge')
const ANSWER_TAG = tag('post-answer')
const START_TAG = tag('post-chain-start')

/** What the chain knows of a proven sector. */
export interface SectorPublic {
  readonly sectorNumber: number
  readonly sectorSize: number
  readonly commR: Uint8Array
}

/** What the prover holds for a sector: its replica (through a reader) and tree cache. */
export interface SectorReplica extends SectorPublic {
  readonly commC: Uint8Array
  readonly treeR: TreeCache
  readonly read: LeafReader
}

export interface WindowInput {
  /** Ledger randomness of this proving window */
  readonly randomness: Uint8Array
  /** Digest of the previous window's answer (or the period's chain start). */
  readonly prevDigest: Uint8Array
}

/** First link of a provider's chain in a proving period. */
export const chainStart = (provider: Uint8Array, period: number, hash: Sha256): Uint8Array =>
  hash(START_TAG, provider, u64be(period))

/** The replica nodes a window challenges in one sector. */
export const windowChallenges = (
  post: PostParams,
  w: WindowInput,
  sectorNumber: number,
  sectorSize: number,
  hash: Sha256,
): number[] => {
  const mask = sectorSize / NODE_SIZE - 1
  const out: number[] = []
  for (let k = 0; k < post.challengesPerSector; k++)
    out.push(readU32(hash(CHALLENGE_TAG, w.randomness, w.prevDigest, u64be(sectorNumber), u32be(k))) & mask)
  return out
}

const depthOf = (sectorSize: number): number => Math.log2(sectorSize / NODE_SIZE)

/** Bytes of a window proof for the given sectors. */
export const windowProofSize = (post: PostParams, sectors: readonly SectorPublic[]): number =>
  sectors.reduce((n, s) => n + 32 + post.challengesPerSector * (1 + depthOf(s.sectorSize)) * 32, 0)

/** Builds a window proof. Reader failures (e.g. `missing_sector`) propagate as thrown failures. */
export const proveWindow = (
  post: PostParams,
  w: WindowInput,
  sectors: readonly SectorReplica[],
  hash: Sha256,
): Uint8Array => {
  const out = new ByteWriter()
  for (const s of sectors) {
    out.put(s.commC)
    for (const c of windowChallenges(post, w, s.sectorNumber, s.sectorSize, hash)) {
      out.put(s.read(c, 1).slice(0, NODE_SIZE))
      out.put(openPath(s.treeR, c, s.read, hash))
    }
  }
  return out.finish()
}

/** Checks a window proof against the sectors' CommR, the randomness and the previous digest. */
export const verifyWindow = (
  post: PostParams,
  w: WindowInput,
  sectors: readonly SectorPublic[],
  proof: Uint8Array,
  hash: Sha256,
): boolean => {
  const r = new ByteReader(proof)
  for (const s of sectors) {
    const depth = depthOf(s.sectorSize)
    const commC = r.take(32)
    if (commC === null) return false
    let commRLast: Uint8Array | null = null
    for (const c of windowChallenges(post, w, s.sectorNumber, s.sectorSize, hash)) {
      const leaf = r.take(NODE_SIZE)
      const path = r.take(depth * 32)
      if (leaf === null || path === null) return false
      const root = rootFromPath(leaf, c, path, hash)
      if (commRLast === null) commRLast = root
      else if (!bytesEqual(root, commRLast)) return false
    }
    if (commRLast === null || !bytesEqual(commRFrom(commC, commRLast, hash), s.commR)) return false
  }
  return r.done
}

/** The digest that answers a window and seeds the next one. */
export const windowDigest = (w: WindowInput, proof: Uint8Array, hash: Sha256): Uint8Array =>
  hash(ANSWER_TAG, w.prevDigest, proof)
