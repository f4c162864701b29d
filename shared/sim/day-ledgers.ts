// Re-applies a node's exported day (W24): from the state the day starts at (the export's
// snapshot, checked against the start header; day-snapshot.ts), every ledger's tx set is checked again and applied with its agreed facts (close
// time, close signers, upgrades) through the same applyLedger and protocol the node runs (composed
// from the same module list); each recomputed header CID
// (which covers the state root, balances and pools) must equal the one the node recorded, up
// to and including the closing ledger that pays the day's distribution.
import { CID, cidString } from '../codec/dag-cbor.ts'
import { nobleVerifier } from '../crypto/noble.ts'
import type { Verifier } from '../crypto/signer.ts'
import { applyLedger, type LedgerEnv } from '../ledger/apply.ts'
import type { GenesisConfig } from '../ledger/config.ts'
import { genesisState } from '../ledger/genesis.ts'
import type { AnyModule } from '../ledger/module.ts'
import type { LedgerState } from '../ledger/state.ts'
import { checkTxSet } from '../ledger/tx-set.ts'
import { parseUpgrades } from '../ledger/upgrade.ts'
import { NETWORK_MODULES, networkEnv } from '../node/protocol.ts'
import { fromHex, toHex } from '../util/bytes.ts'
import { toWattError } from '../util/errors.ts'
import type { DayExport, DayLedger } from './day-export.ts'
import { stateFromSnapshot } from './day-snapshot.ts'
import type { Json, JsonDifference } from './json-diff.ts'

export type LedgerReplay =
  | {
      readonly agree: true
      readonly ledgers: number
      readonly finalHash: string
      readonly stateRoot: string
      readonly state: LedgerState
    }
  | { readonly agree: false; readonly difference: JsonDifference }

export interface LedgerReplayEnv {
  readonly env: LedgerEnv
  readonly verifier: Verifier
}

const differ = (path: string, expected: Json | undefined, actual: Json | undefined): LedgerReplay => ({
  agree: false,
  difference: { path, expected, actual },
})

const parseCid = (s: string): CID | undefined => {
  try {
    return CID.parse(s)
  } catch {
    return undefined
  }
}

const HEX = /^([0-9a-f]{2})*$/
const isHexList = (xs: readonly Json[]): xs is string[] =>
  xs.every((t) => typeof t === 'string' && HEX.test(t))

/** One exported ledger re-applied to `state`: the state after it, or the difference it shows. */
const replayOne = async (
  path: string,
  l: DayLedger,
  state: LedgerState,
  r: LedgerReplayEnv,
): Promise<LedgerState | LedgerReplay> => {
  if (l.prevHeader === undefined || l.closeTimeMs === undefined || l.signers === undefined)
    return differ(path, 'prevHeader, closeTimeMs and signers', null)
  if (!isHexList(l.txs)) return differ(`${path}.txs`, 'hex strings', l.txs)
  const prevHeader = parseCid(l.prevHeader)
  if (prevHeader === undefined) return differ(`${path}.prevHeader`, 'a CID', l.prevHeader)
  const proof = l.proof ?? []
  if (!isHexList(proof)) return differ(`${path}.proof`, 'hex strings', proof)
  const txSet = { prevHeader, txs: l.txs.map(fromHex), proof: proof.map(fromHex) }
  const upgrades = parseUpgrades(l.upgrades ?? [])
  if (!upgrades.ok) return differ(`${path}.upgrades`, 'a canonical upgrade list', upgrades.error.code)
  const set = await checkTxSet(txSet, r.env.protocol, r.verifier, Number.MAX_SAFE_INTEGER)
  if (!set.ok) return differ(`${path}.txs`, 'a valid tx set', set.error.code)
  const info = { closeTimeMs: l.closeTimeMs, signers: l.signers, upgrades: upgrades.value }
  let closed: ReturnType<typeof applyLedger>
  try {
    closed = applyLedger(state, set.value, info, r.env)
  } catch (e) {
    // a start state whose entries the ledger code cannot read (a forged, self-consistent one)
    return differ(path, l.headerCid, toWattError(e).code)
  }
  if (!closed.ok) return differ(path, l.headerCid, closed.error.code)
  const got = cidString(closed.value.headerCid)
  if (got !== l.headerCid) return differ(`${path}.headerCid`, l.headerCid, got)
  return closed.value.state
}

/**
 * Re-applies the day's ledgers and its closing ledger to `start`, comparing every header CID;
 * the day's ledgers must carry its day index, and the closing one must be the closing header.
 */
export const replayDayLedgers = async (
  doc: DayExport,
  start: LedgerState,
  r: LedgerReplayEnv,
): Promise<LedgerReplay> => {
  if (doc.start === undefined || doc.closingLedger === undefined)
    return differ('$.start', 'a node export with replay material', null)
  if (cidString(start.headerCid) !== doc.start.cid)
    return differ('$.start.cid', doc.start.cid, cidString(start.headerCid))
  if (doc.closingLedger.headerCid !== doc.closingHeader.cid)
    return differ('$.closingLedger.headerCid', doc.closingHeader.cid, doc.closingLedger.headerCid)
  const all: [string, DayLedger, number][] = doc.ledgers.map((l, i) => [`$.ledgers[${i}]`, l, doc.day])
  all.push(['$.closingLedger', doc.closingLedger, doc.day + 1])
  let state = start
  for (const [path, l, day] of all) {
    const next = await replayOne(path, l, state, r)
    if ('agree' in next) return next
    if (next.header.dayIndex !== day) return differ(`${path}.dayIndex`, day, next.header.dayIndex)
    state = next
  }
  return {
    agree: true,
    ledgers: all.length,
    finalHash: cidString(state.headerCid),
    stateRoot: toHex(state.header.stateRoot),
    state,
  }
}

/**
 * Any day of a node's export replayed from the state it starts at: the snapshot in `start`,
 * checked against the start header's state root and CID (day-snapshot.ts), and for a first day
 * (start.seq 1) also against the genesis ledger of `config`. `config` is the network's genesis
 * config (callers parse the document the relay serves at /genesis, or the export's own
 * `genesis`); the protocol is that of `modules` (the network's list unless a test adds its own),
 * and the parameters in force come from the start state itself.
 */
export const replayExportedDay = async (
  doc: DayExport,
  config: GenesisConfig,
  modules: readonly AnyModule[] = NETWORK_MODULES,
): Promise<LedgerReplay> => {
  if (doc.start === undefined) return differ('$.start', 'a node export with replay material', null)
  const env = networkEnv(config, modules)
  const start = stateFromSnapshot(doc.start)
  if (!start.ok) return { agree: false, difference: start.difference }
  if (doc.start.seq === 1) {
    const genesis = cidString(genesisState(config, env.protocol).state.headerCid)
    if (genesis !== doc.start.cid) return differ('$.start.cid', genesis, doc.start.cid)
  }
  return replayDayLedgers(doc, start.state, { env, verifier: nobleVerifier })
}
