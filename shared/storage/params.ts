// Every parameter of sealing and proving in one place, with the checks that keep them sane.
// The reasoning behind each number is in docs/storage-proofs.md.

/** A sector is an array of 32-byte nodes: the unit of labeling, encoding and Merkle leaves. */
export const NODE_SIZE = 32
export const MIN_SECTOR = 2 << 10
export const MAX_SECTOR = 64 << 20

export interface SealParams {
  /** Bytes, power of two. The network uses 1..64 MiB; 2 KiB+ exists for tests and devnets. */
  readonly sectorSize: number
  /** Labeling layers (Stacked DRG). Filecoin uses 11 at 32 GiB. */
  readonly layers: number
  /** Parents inside the same layer; the first is always the previous node (sequential). */
  readonly baseDegree: number
  /** Parents in the previous layer (expander edges). */
  readonly expanderDegree: number
  /** Challenges a seal proof opens. */
  readonly sealChallenges: number
}

export interface PostParams {
  /** Replica nodes opened per sector in each proving window */
  readonly challengesPerSector: number
  /** Windows a period summary opens in full. */
  readonly periodSpotChecks: number
  /** Assumed speed advantage of the fastest attacker over the reference sealer (deadline model). */
  readonly attackerSpeedup: number
}

export const DEFAULT_SEAL: SealParams = {
  sectorSize: 32 << 20,
  layers: 8,
  baseDegree: 6,
  expanderDegree: 8,
  sealChallenges: 40,
}

export const DEFAULT_POST: PostParams = {
  challengesPerSector: 10,
  periodSpotChecks: 8,
  attackerSpeedup: 32,
}

export const sealParams = (overrides: Partial<SealParams> = {}): SealParams => {
  const p = { ...DEFAULT_SEAL, ...overrides }
  checkSealParams(p)
  return p
}

export const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0

export const checkSealParams = (p: SealParams): void => {
  if (!isPowerOfTwo(p.sectorSize) || p.sectorSize < MIN_SECTOR || p.sectorSize > MAX_SECTOR)
    throw new RangeError(`sectorSize must be a power of two in [${MIN_SECTOR}, ${MAX_SECTOR}]`)
  if (!(p.layers >= 1 && p.layers <= 16)) throw new RangeError('layers must be in [1, 16]')
  if (!(p.baseDegree >= 1 && p.baseDegree <= 16)) throw new RangeError('baseDegree must be in [1, 16]')
  if (!(p.expanderDegree >= 0 && p.expanderDegree <= 16))
    throw new RangeError('expanderDegree must be in [0, 16]')
  if (!(p.sealChallenges >= 1 && p.sealChallenges <= 256))
    throw new RangeError('sealChallenges must be in [1, 256]')
}

export const nodeCount = (p: SealParams): number => p.sectorSize / NODE_SIZE

/** log2 of the node count: the depth of every sector Merkle tree. */
export const treeDepth = (p: SealParams): number => Math.log2(nodeCount(p))

/**
 * Honest sealing cost with the default layers, measured (hash-wasm, one core, Node 24 and
 * Chromium alike): ~1.0 s of CPU per MiB. The network fixes this number; see docs/storage-proofs.md.
 */
export const REFERENCE_SEAL_MS_PER_MIB = 1000

/**
 * Response deadline of a proving window, in ms, from the measured speed of the reference
 * sealer (`sealMsPerMiB`, honest, this code): the fastest attacker, `attackerSpeedup` times
 * quicker, still could not re-seal the challenged sectors from unsealed data before it.
 */
export const postDeadlineMs = (
  post: PostParams,
  sectorSize: number,
  sectorCount: number,
  sealMsPerMiB: number = REFERENCE_SEAL_MS_PER_MIB,
): number => (sectorCount * (sectorSize / (1 << 20)) * sealMsPerMiB) / post.attackerSpeedup

/** Probability that one window catches a sector missing `fraction` of its nodes. */
export const windowCatchProbability = (post: PostParams, fraction: number): number =>
  1 - (1 - fraction) ** post.challengesPerSector
