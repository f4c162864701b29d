// Re-applies a node's exported day (W24): from the state the day starts at (genesis for the
// first day), every ledger's tx set is checked again and applied with its agreed facts (close
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
import type { DayExport, DayLedger } from './day-export.ts'
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

/** Re-applies the day's ledgers and its closing ledger to `start`, comparing every header CID. */
export const replayDayLedgers = async (
  doc: DayExport,
  start: LedgerState,
  r: LedgerReplayEnv,
): Promise<LedgerReplay> => {
  if (doc.start === undefined || doc.closingLedger === undefined)
    return differ('$.start', 'a node export with replay material', null)
  if (cidString(start.headerCid) !== doc.start.cid)
    return differ('$.start.cid', doc.start.cid, cidString(start.headerCid))
  const all: [string, DayLedger][] = doc.ledgers.map((l, i) => [`$.ledgers[${i}]`, l])
  all.push(['$.closingLedger', doc.closingLedger])
  let state = start
  for (const [path, l] of all) {
    if (l.prevHeader === undefined || l.closeTimeMs === undefined || l.signers === undefined)
      return differ(path, 'prevHeader, closeTimeMs and signers', null)
    if (!l.txs.every((t) => typeof t === 'string' && /^([0-9a-f]{2})*$/.test(t)))
      return differ(`${path}.txs`, 'hex strings', l.txs)
    const prevHeader = parseCid(l.prevHeader)
    if (prevHeader === undefined) return differ(`${path}.prevHeader`, 'a CID', l.prevHeader)
    const proof = l.proof ?? []
    if (!proof.every((e) => typeof e === 'string' && /^([0-9a-f]{2})*$/.test(e)))
      return differ(`${path}.proof`, 'hex strings', proof)
    const txSet = {
      prevHeader,
      txs: (l.txs as string[]).map(fromHex),
      proof: (proof as string[]).map(fromHex),
    }
    const upgrades = parseUpgrades(l.upgrades ?? [])
    if (!upgrades.ok) return differ(`${path}.upgrades`, 'a canonical upgrade list', upgrades.error.code)
    const set = await checkTxSet(txSet, r.env.protocol, r.verifier, Number.MAX_SAFE_INTEGER)
    if (!set.ok) return differ(`${path}.txs`, 'a valid tx set', set.error.code)
    const info = { closeTimeMs: l.closeTimeMs, signers: l.signers, upgrades: upgrades.value }
    const closed = applyLedger(state, set.value, info, r.env)
    if (!closed.ok) return differ(path, l.headerCid, closed.error.code)
    const got = cidString(closed.value.headerCid)
    if (got !== l.headerCid) return differ(`${path}.headerCid`, l.headerCid, got)
    state = closed.value.state
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
 * A first day (one that starts at genesis) replayed from the network's genesis config (callers
 * parse the document the relay serves at /genesis) with the protocol of `modules` (the network's
 * list unless a test adds its own); the mining parameters come from the genesis ledger itself.
 */
export const replayFirstDay = async (
  doc: DayExport,
  config: GenesisConfig,
  modules: readonly AnyModule[] = NETWORK_MODULES,
): Promise<LedgerReplay> => {
  if (doc.start?.seq !== 1) return differ('$.start.seq', 1, doc.start?.seq ?? null)
  const env = networkEnv(config, modules)
  return replayDayLedgers(doc, genesisState(config, env.protocol).state, { env, verifier: nobleVerifier })
}
