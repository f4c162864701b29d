// Code mutants of the quorum checks (issue 20, "code mutations of the quorum checks are found by
// the fault search itself"): each is a one-line edit of shared/scp/quorum-utils.ts that a careless
// change could make. hooks.ts applies one to the source as Node loads it; search.ts then runs the
// fault search of the simulator on the mutated code, and quorum-mutants.test.ts requires each
// mutant marked `caught` to be caught (a fork, a ledger mismatch or a liveness failure) within 20
// seeds. The others survive today's search (docs/testing.md, "Code mutants"): they say what the
// simulator's faults do not reach yet, and stay here to be run by hand and to be caught later.
export interface Mutant {
  readonly name: string
  /** What the edit does to the protocol. */
  readonly breaks: string
  readonly from: string
  readonly to: string
  /** Whether the fault search catches it today (the test holds it to that). */
  readonly caught: boolean
  /** The plan of search.ts that catches it. */
  readonly plan: 'partition' | 'byzantine' | 'topology'
}

export const MUTATED_FILE = '/shared/scp/quorum-utils.ts'

export const MUTANTS: readonly Mutant[] = [
  {
    name: 'slice-threshold-minus-one',
    breaks: 'a slice is satisfied by one node fewer than its threshold: two disjoint quorums exist',
    from: 'export const isQuorumSlice = (q: QuorumSet, has: (n: NodeId) => boolean): boolean => {\n  let left = q.threshold\n',
    to: 'export const isQuorumSlice = (q: QuorumSet, has: (n: NodeId) => boolean): boolean => {\n  let left = q.threshold - 1\n',
    caught: true,
    plan: 'partition',
  },
  {
    name: 'v-blocking-one-short',
    breaks: 'a set one node short of blocking counts as v-blocking: nodes accept what no quorum voted',
    from: 'let left = q.validators.length + q.innerSets.length - q.threshold + 1\n',
    to: 'let left = q.validators.length + q.innerSets.length - q.threshold\n',
    // survives 120 Byzantine seeds: no simulated node accepts a ballot its quorum did not vote
    caught: false,
    plan: 'byzantine',
  },
  {
    name: 'quorum-without-local-slice',
    breaks: 'the transitive quorum test ends true without the local slice: a node follows any closed clique',
    from: '  return isQuorumSlice(local, has)\n}\n',
    to: '  return members.size > 0\n}\n',
    // equivalent where every node trusts the same set (a non-empty fixed point is then a quorum);
    // survives 20 topology seeds too
    caught: false,
    plan: 'topology',
  },
]

export const mutantNamed = (name: string): Mutant | undefined => MUTANTS.find((m) => m.name === name)
