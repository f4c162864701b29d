// SCP statements as `type`-tagged unions, and the strict guard that turns untrusted decoded
// data into a statement (bounded values, uint32 counters, sorted vote lists) or a typed error.
import { CID } from '../codec/dag-cbor.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import type { NodeId } from './quorum-set.ts'
import type { QuorumSetHash } from './quorum-utils.ts'
import { type Ballot, INFINITE_COUNTER, isStrictlySorted, type Value } from './values.ts'

/** A slot is a ledger sequence number: a non-negative safe integer. */
export type SlotIndex = number

interface Base {
  readonly nodeId: NodeId
  readonly slot: SlotIndex
}

export interface NominateStatement extends Base {
  readonly type: 'nominate'
  readonly quorumSetHash: QuorumSetHash
  readonly votes: readonly Value[]
  readonly accepted: readonly Value[]
}

export interface PrepareStatement extends Base {
  readonly type: 'prepare'
  readonly quorumSetHash: QuorumSetHash
  readonly ballot: Ballot
  readonly prepared: Ballot | null
  readonly preparedPrime: Ballot | null
  readonly nC: number
  readonly nH: number
}

export interface ConfirmStatement extends Base {
  readonly type: 'confirm'
  readonly quorumSetHash: QuorumSetHash
  readonly ballot: Ballot
  readonly nPrepared: number
  readonly nCommit: number
  readonly nH: number
}

export interface ExternalizeStatement extends Base {
  readonly type: 'externalize'
  readonly commit: Ballot
  readonly nH: number
  readonly commitQuorumSetHash: QuorumSetHash
}

export type BallotStatement = PrepareStatement | ConfirmStatement | ExternalizeStatement
export type Statement = NominateStatement | BallotStatement

export const isNominate = (s: Statement): s is NominateStatement => s.type === 'nominate'
export const isBallotStatement = (s: Statement): s is BallotStatement => s.type !== 'nominate'

/** The quorum set hash a statement names (its companion set). */
export const statementQuorumSetHash = (s: Statement): QuorumSetHash =>
  s.type === 'externalize' ? s.commitQuorumSetHash : s.quorumSetHash

export interface StatementLimits {
  /** Largest value in bytes. */
  readonly maxValueBytes: number
  /** Most values in one nomination statement (votes + accepted). */
  readonly maxNominationValues: number
}

export type StatementError = WattError<'malformed' | 'absurd_counter' | 'bad_value'>

type Obj = Record<string, unknown>
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x)

/** Counters are uint32; anything else is absurd. */
const counter = (x: unknown, field: string): Result<number, StatementError> => {
  if (typeof x !== 'number' || !Number.isInteger(x)) return err(wattError('malformed', { field }))
  if (x < 0 || x > INFINITE_COUNTER) return err(wattError('absurd_counter', { field, value: x }))
  return ok(x)
}

const value = (x: unknown, lim: StatementLimits, field: string): Result<Value, StatementError> => {
  if (!(x instanceof Uint8Array)) return err(wattError('malformed', { field }))
  if (x.length > lim.maxValueBytes) return err(wattError('bad_value', { field, size: x.length }))
  return ok(x)
}

const parseBallot = (x: unknown, lim: StatementLimits, field: string): Result<Ballot, StatementError> => {
  if (!isObj(x)) return err(wattError('malformed', { field }))
  const c = counter(x['counter'], field)
  if (!c.ok) return c
  const v = value(x['value'], lim, field)
  if (!v.ok) return v
  return ok({ counter: c.value, value: v.value })
}

const parseOptBallot = (
  x: unknown,
  lim: StatementLimits,
  field: string,
): Result<Ballot | null, StatementError> =>
  x === null || x === undefined ? ok(null) : parseBallot(x, lim, field)

const parseHash = (x: unknown, field: string): Result<QuorumSetHash, StatementError> => {
  // A CID link off the wire, or its string form in an envelope handed over in memory.
  let cid = CID.asCID(x)
  if (cid === null && typeof x === 'string' && x.length <= 128) {
    try {
      cid = CID.parse(x)
    } catch {
      cid = null
    }
  }
  if (cid === null) return err(wattError('malformed', { field }))
  return ok(cid.toString() as QuorumSetHash)
}

const parseValues = (x: unknown, lim: StatementLimits, field: string): Result<Value[], StatementError> => {
  if (!Array.isArray(x) || x.length > lim.maxNominationValues)
    return err(wattError(Array.isArray(x) ? 'bad_value' : 'malformed', { field }))
  const out: Value[] = []
  for (const item of x) {
    const v = value(item, lim, field)
    if (!v.ok) return v
    out.push(v.value)
  }
  if (!isStrictlySorted(out)) return err(wattError('bad_value', { field, reason: 'unsorted' }))
  return ok(out)
}

/** Guards decoded wire data (quorum set hashes as CID links) into a statement. */
export const parseStatement = (x: unknown, lim: StatementLimits): Result<Statement, StatementError> => {
  if (!isObj(x)) return err(wattError('malformed', { field: 'statement' }))
  const nodeId = x['nodeId']
  const slot = x['slot']
  if (typeof nodeId !== 'string' || nodeId.length === 0 || nodeId.length > 256)
    return err(wattError('malformed', { field: 'nodeId' }))
  if (typeof slot !== 'number' || !Number.isSafeInteger(slot) || slot < 0)
    return err(wattError('malformed', { field: 'slot' }))
  const base = { nodeId: nodeId as NodeId, slot }
  const fields: Record<string, Result<unknown, StatementError>> = {}
  const get = <T>(name: string, r: Result<T, StatementError>): T | undefined => {
    fields[name] = r
    return r.ok ? r.value : undefined
  }
  let st: Statement | undefined
  switch (x['type']) {
    case 'nominate':
      st = {
        ...base,
        type: 'nominate',
        quorumSetHash: get('q', parseHash(x['quorumSetHash'], 'quorumSetHash'))!,
        votes: get('v', parseValues(x['votes'], lim, 'votes'))!,
        accepted: get('a', parseValues(x['accepted'], lim, 'accepted'))!,
      }
      if (st.votes && st.accepted && st.votes.length + st.accepted.length > lim.maxNominationValues)
        return err(wattError('bad_value', { field: 'votes', reason: 'too_many' }))
      break
    case 'prepare':
      st = {
        ...base,
        type: 'prepare',
        quorumSetHash: get('q', parseHash(x['quorumSetHash'], 'quorumSetHash'))!,
        ballot: get('b', parseBallot(x['ballot'], lim, 'ballot'))!,
        prepared: get('p', parseOptBallot(x['prepared'], lim, 'prepared'))!,
        preparedPrime: get('pp', parseOptBallot(x['preparedPrime'], lim, 'preparedPrime'))!,
        nC: get('c', counter(x['nC'], 'nC'))!,
        nH: get('h', counter(x['nH'], 'nH'))!,
      }
      break
    case 'confirm':
      st = {
        ...base,
        type: 'confirm',
        quorumSetHash: get('q', parseHash(x['quorumSetHash'], 'quorumSetHash'))!,
        ballot: get('b', parseBallot(x['ballot'], lim, 'ballot'))!,
        nPrepared: get('p', counter(x['nPrepared'], 'nPrepared'))!,
        nCommit: get('c', counter(x['nCommit'], 'nCommit'))!,
        nH: get('h', counter(x['nH'], 'nH'))!,
      }
      break
    case 'externalize':
      st = {
        ...base,
        type: 'externalize',
        commit: get('c', parseBallot(x['commit'], lim, 'commit'))!,
        nH: get('h', counter(x['nH'], 'nH'))!,
        commitQuorumSetHash: get('q', parseHash(x['commitQuorumSetHash'], 'commitQuorumSetHash'))!,
      }
      break
    default:
      return err(wattError('malformed', { field: 'type' }))
  }
  for (const r of Object.values(fields)) if (!r.ok) return r
  return ok(st)
}

// Parsed quorum set hashes (a network has a handful; CIDs are immutable): bounded by clearing.
const links = new Map<string, CID>()
const MAX_LINKS = 1024
const link = (h: QuorumSetHash): CID => {
  let c = links.get(h)
  if (c === undefined) {
    if (links.size >= MAX_LINKS) links.clear()
    c = CID.parse(h)
    links.set(h, c)
  }
  return c
}

/** Wire form of a statement: the same fields, quorum set hashes as CID links. */
export const statementToData = (s: Statement): Obj => {
  if (s.type === 'externalize') return { ...s, commitQuorumSetHash: link(s.commitQuorumSetHash) }
  return { ...s, quorumSetHash: link(s.quorumSetHash) }
}
