// Thresholds of flat quorum sets. The node (a validator admitting another), the simulator's
// topologies and the devnet launcher all build "two-thirds" sets: one definition, here.

/** The threshold that tolerates the most faults among n: n - floor((n - 1) / 3), i.e. floor(2n/3) + 1. */
export const twoThirds = (n: number): number => n - Math.floor((n - 1) / 3)
