// Pure rules over ballot statements (PREPARE / CONFIRM / EXTERNALIZE): sanity, ordering, the
// "working ballot", what a statement says is prepared or committed, and the candidate ballots
// and commit-interval boundaries federated voting has to test.
import type { BallotStatement } from './statement.ts'
import {
  type Ballot,
  ballot,
  compareBallots,
  compareOptionalBallots,
  compatible,
  INFINITE_COUNTER,
  lessAndCompatible,
  lessAndIncompatible,
  type Value,
} from './values.ts'

const TYPE_RANK = { prepare: 0, confirm: 1, externalize: 2 } as const

/** Internal consistency of a ballot statement; the local node may hold b = 0 (never sent). */
export const isBallotStatementSane = (st: BallotStatement, self: boolean): boolean => {
  switch (st.type) {
    case 'prepare': {
      if (!self && st.ballot.counter === 0) return false
      if (st.prepared && st.preparedPrime && !lessAndIncompatible(st.preparedPrime, st.prepared)) return false
      if (st.preparedPrime && !st.prepared) return false
      if (st.nH !== 0 && (st.prepared === null || st.nH > st.prepared.counter)) return false
      if (st.nC !== 0 && (st.nH === 0 || st.ballot.counter < st.nH || st.nH < st.nC)) return false
      return true
    }
    case 'confirm':
      return st.ballot.counter > 0 && st.nH <= st.ballot.counter && st.nCommit <= st.nH && st.nCommit > 0
    case 'externalize':
      return st.commit.counter > 0 && st.nH >= st.commit.counter
  }
}

/** Total order per node: PREPARE < CONFIRM < EXTERNALIZE, then (b, p, p', h) or (b, p, h). */
export const isNewerBallotStatement = (prev: BallotStatement | undefined, next: BallotStatement): boolean => {
  if (prev === undefined) return true
  if (prev.type !== next.type) return TYPE_RANK[prev.type] < TYPE_RANK[next.type]
  if (prev.type === 'externalize') return false
  if (prev.type === 'confirm' && next.type === 'confirm') {
    const c = compareBallots(prev.ballot, next.ballot)
    if (c !== 0) return c < 0
    if (prev.nPrepared !== next.nPrepared) return prev.nPrepared < next.nPrepared
    return prev.nH < next.nH
  }
  if (prev.type === 'prepare' && next.type === 'prepare') {
    const c =
      compareBallots(prev.ballot, next.ballot) ||
      compareOptionalBallots(prev.prepared, next.prepared) ||
      compareOptionalBallots(prev.preparedPrime, next.preparedPrime)
    if (c !== 0) return c < 0
    return prev.nH < next.nH
  }
  return false
}

/** The ballot a statement works on (its b, or its commit). */
export const workingBallot = (st: BallotStatement): Ballot => {
  switch (st.type) {
    case 'prepare':
      return st.ballot
    case 'confirm':
      return ballot(st.nCommit, st.ballot.value)
    case 'externalize':
      return st.commit
  }
}

/** The counter a statement is at, for bumping (EXTERNALIZE counts as infinite). */
export const statementCounter = (st: BallotStatement): number =>
  st.type === 'externalize' ? INFINITE_COUNTER : st.ballot.counter

/** Values a statement mentions, to validate. */
export const statementValues = (st: BallotStatement): Value[] => {
  switch (st.type) {
    case 'prepare': {
      const out: Value[] = []
      if (st.ballot.counter !== 0) out.push(st.ballot.value)
      if (st.prepared) out.push(st.prepared.value)
      if (st.preparedPrime) out.push(st.preparedPrime.value)
      return out
    }
    case 'confirm':
      return [st.ballot.value]
    case 'externalize':
      return [st.commit.value]
  }
}

/** Does the statement vote (or accept) that `b` is prepared? (accept-prepared "voted" side) */
export const votesPrepared = (b: Ballot, st: BallotStatement): boolean => {
  switch (st.type) {
    case 'prepare':
      return lessAndCompatible(b, st.ballot)
    case 'confirm':
      return compatible(b, st.ballot)
    case 'externalize':
      return compatible(b, st.commit)
  }
}

/** Does the statement accept that `b` is prepared? */
export const acceptsPrepared = (b: Ballot, st: BallotStatement): boolean => {
  switch (st.type) {
    case 'prepare':
      return (
        (st.prepared !== null && lessAndCompatible(b, st.prepared)) ||
        (st.preparedPrime !== null && lessAndCompatible(b, st.preparedPrime))
      )
    case 'confirm':
      return lessAndCompatible(b, ballot(st.nPrepared, st.ballot.value))
    case 'externalize':
      return compatible(b, st.commit)
  }
}

/** Does the statement vote to commit b's value over every counter in [lo, hi]? */
export const votesCommit = (b: Ballot, lo: number, hi: number, st: BallotStatement): boolean => {
  switch (st.type) {
    case 'prepare':
      return compatible(b, st.ballot) && st.nC !== 0 && st.nC <= lo && hi <= st.nH
    case 'confirm':
      return compatible(b, st.ballot) && st.nCommit <= lo
    case 'externalize':
      return compatible(b, st.commit) && st.commit.counter <= lo
  }
}

/** Does the statement accept commit of b's value over every counter in [lo, hi]? */
export const acceptsCommit = (b: Ballot, lo: number, hi: number, st: BallotStatement): boolean => {
  switch (st.type) {
    case 'prepare':
      return false
    case 'confirm':
      return compatible(b, st.ballot) && st.nCommit <= lo && hi <= st.nH
    case 'externalize':
      return compatible(b, st.commit) && st.commit.counter <= lo
  }
}

/** Ballots worth testing for prepare, from the hint statement and every latest statement, descending. */
export const prepareCandidates = (hint: BallotStatement, all: Iterable<BallotStatement>): Ballot[] => {
  const tops: Ballot[] = []
  switch (hint.type) {
    case 'prepare':
      tops.push(hint.ballot)
      if (hint.prepared) tops.push(hint.prepared)
      if (hint.preparedPrime) tops.push(hint.preparedPrime)
      break
    case 'confirm':
      tops.push(ballot(hint.nPrepared, hint.ballot.value), ballot(INFINITE_COUNTER, hint.ballot.value))
      break
    case 'externalize':
      tops.push(ballot(INFINITE_COUNTER, hint.commit.value))
  }
  // Counters seen per value object: drops most repeats cheaply (equal values from many nodes
  // are usually one interned object); the sort and the adjacent check below drop the rest.
  const seen = new Map<Value, Set<number>>()
  const out: Ballot[] = []
  const add = (b: Ballot) => {
    const counters = seen.get(b.value) ?? new Set<number>()
    if (counters.has(b.counter)) return
    seen.set(b.value, counters.add(b.counter))
    out.push(b)
  }
  for (const st of all) {
    for (const top of tops) {
      if (st.type === 'prepare') {
        if (lessAndCompatible(st.ballot, top)) add(st.ballot)
        if (st.prepared && lessAndCompatible(st.prepared, top)) add(st.prepared)
        if (st.preparedPrime && lessAndCompatible(st.preparedPrime, top)) add(st.preparedPrime)
      } else if (st.type === 'confirm') {
        if (compatible(top, st.ballot)) {
          add(top)
          if (st.nPrepared < top.counter) add(ballot(st.nPrepared, top.value))
        }
      } else if (compatible(top, st.commit)) add(top)
    }
  }
  out.sort((a, b) => compareBallots(b, a))
  return out.filter((b, i) => i === 0 || compareBallots(out[i - 1]!, b) !== 0)
}

/** Counters where a commit interval for b's value may start or end, ascending. */
export const commitBoundaries = (b: Ballot, all: Iterable<BallotStatement>): number[] => {
  const out = new Set<number>()
  for (const st of all) {
    if (st.type === 'prepare') {
      if (compatible(b, st.ballot) && st.nC !== 0) out.add(st.nC).add(st.nH)
    } else if (st.type === 'confirm') {
      if (compatible(b, st.ballot)) out.add(st.nCommit).add(st.nH)
    } else if (compatible(b, st.commit)) out.add(st.commit.counter).add(st.nH).add(INFINITE_COUNTER)
  }
  return [...out].sort((x, y) => x - y)
}

/**
 * Widest interval [lo, hi] over the boundaries (scanned from the top) for which `pred` holds:
 * first the highest hi with [hi, hi], then lowering lo while it still holds. [0, 0] when none.
 */
export const extendedInterval = (
  boundaries: readonly number[],
  pred: (lo: number, hi: number) => boolean,
) => {
  let lo = 0
  let hi = 0
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const x = boundaries[i]!
    let cur: [number, number]
    if (lo === 0) cur = [x, x]
    else if (x > hi) continue
    else cur = [x, hi]
    if (pred(cur[0], cur[1])) [lo, hi] = cur
    else if (lo !== 0) break
  }
  return { lo, hi }
}
