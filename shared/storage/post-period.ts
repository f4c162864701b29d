// A proving period's compact proof: the chain of window digests (32 bytes each, posted on the
// ledger as each window closes) plus full proofs of a few windows picked by Fiat-Shamir from
// randomness drawn after the period ended. A verifier re-derives each picked window's
// challenges from its ledger randomness and the previous digest, checks the proof and the
// digest link. A provider that could not answer g of W windows escapes with (1 - g/W)^m.
import { bytesEqual } from '../util/bytes.ts'
import type { Sha256 } from './hash.ts'
import type { PostParams } from './params.ts'
import { type SectorPublic, verifyWindow, windowDigest } from './post.ts'
import { readU32, tag, u32be } from './proof-bytes.ts'

const SPOT_TAG = tag('post-spot-check')

export interface PeriodProof {
  /** digests[w] answers window w; digests[-1] is the chain start. */
  readonly digests: readonly Uint8Array[]
  /** Full window proofs of the spot-checked windows, in the order `spotChecks` lists them. */
  readonly openings: readonly Uint8Array[]
}

export interface PeriodPublic {
  readonly chainStart: Uint8Array
  /** Ledger randomness of every window of the period. */
  readonly randomness: readonly Uint8Array[]
  /** Randomness drawn after the period closed (no grinding of the picks). */
  readonly closing: Uint8Array
  readonly sectors: readonly SectorPublic[]
  /** Digests the provider posted on the ledger during the period, when the verifier has them. */
  readonly posted?: readonly Uint8Array[]
}

/** Windows that a period proof must open. */
export const spotChecks = (
  post: PostParams,
  windows: number,
  closing: Uint8Array,
  head: Uint8Array,
  hash: Sha256,
): number[] => {
  const picks: number[] = []
  for (let j = 0; j < post.periodSpotChecks; j++)
    picks.push(readU32(hash(SPOT_TAG, closing, head, u32be(j))) % windows)
  return picks
}

/** Assembles the compact proof from every window's proof (kept locally until the period closes). */
export const provePeriod = (
  post: PostParams,
  pub: PeriodPublic,
  windowProofs: readonly Uint8Array[],
  hash: Sha256,
): PeriodProof => {
  const digests: Uint8Array[] = []
  let prev = pub.chainStart
  windowProofs.forEach((proof, w) => {
    prev = windowDigest({ randomness: pub.randomness[w]!, prevDigest: prev }, proof, hash)
    digests.push(prev)
  })
  const picks = spotChecks(post, windowProofs.length, pub.closing, prev, hash)
  return { digests, openings: picks.map((w) => windowProofs[w]!) }
}

export const verifyPeriod = (
  post: PostParams,
  pub: PeriodPublic,
  proof: PeriodProof,
  hash: Sha256,
): boolean => {
  const W = pub.randomness.length
  if (W === 0 || proof.digests.length !== W || proof.openings.length !== post.periodSpotChecks) return false
  if (
    pub.posted !== undefined &&
    !proof.digests.every((d, w) => pub.posted?.[w] && bytesEqual(d, pub.posted[w]))
  )
    return false
  const picks = spotChecks(post, W, pub.closing, proof.digests[W - 1]!, hash)
  return picks.every((w, j) => {
    const window = {
      randomness: pub.randomness[w]!,
      prevDigest: w === 0 ? pub.chainStart : proof.digests[w - 1]!,
    }
    const opening = proof.openings[j]!
    return (
      verifyWindow(post, window, pub.sectors, opening, hash) &&
      bytesEqual(windowDigest(window, opening, hash), proof.digests[w]!)
    )
  })
}

/** Bytes of a period proof on the wire. */
export const periodProofSize = (p: PeriodProof): number =>
  p.digests.length * 32 + p.openings.reduce((n, o) => n + o.length, 0)
