// Upgrades in the agreed value (issue 11, item 2), by stellar-core's rules: a validator
// nominates only the upgrades its operator scheduled, once due; in nomination a node votes only
// for values whose upgrades it scheduled itself, while in the ballot protocol any valid upgrade
// is accepted (so a value the network confirmed is never blocked by one node's preference);
// candidates are combined key by key, taking the greatest value. Validity is the ledger's
// (validateUpgrades: a newer supported version, a module parameter its parser accepts).
import {
  compareUpgrades,
  type LedgerState,
  type Protocol,
  type Upgrade,
  upgradeKey,
  validateUpgrade,
  validateUpgrades,
} from '../ledger/index.ts'

/** What an operator (or, later, a passed proposal) arms this node to propose, and from when. */
export interface UpgradeSchedule {
  readonly upgrades: readonly Upgrade[]
  /** Nominated from this time on (ms since the epoch, the ledger's close-time clock). */
  readonly fromMs: number
}

const sameUpgrade = (a: Upgrade, b: Upgrade): boolean =>
  upgradeKey(a) === upgradeKey(b) &&
  (a.type === 'protocolVersion' ? a.version === (b as typeof a).version : a.value === (b as typeof a).value)

/** The scheduled upgrades to nominate now: due, each valid against the protocol in force. */
export const upgradesToNominate = (
  schedule: UpgradeSchedule | undefined,
  state: LedgerState,
  protocol: Protocol,
  nowMs: number,
): Upgrade[] => {
  if (!schedule || nowMs < schedule.fromMs) return []
  const due = schedule.upgrades.filter((u) => validateUpgrade(state, protocol, u).ok).sort(compareUpgrades)
  return validateUpgrades(state, protocol, due).ok ? due : []
}

/** Whether a value's upgrades may be voted for: valid, and in nomination also scheduled here. */
export const upgradesAcceptable = (
  upgrades: readonly Upgrade[],
  state: LedgerState,
  protocol: Protocol,
  schedule: UpgradeSchedule | undefined,
  nomination: boolean,
): boolean => {
  if (upgrades.length > 0 && !validateUpgrades(state, protocol, upgrades).ok) return false
  if (!nomination) return true
  return upgrades.every((u) => schedule?.upgrades.some((s) => sameUpgrade(s, u)) === true)
}

/** Orders upgrade values of one key: versions and numbers numerically, else by string. */
const greater = (a: Upgrade, b: Upgrade): Upgrade => {
  const va = a.type === 'protocolVersion' ? a.version : a.value
  const vb = b.type === 'protocolVersion' ? b.version : (b as Extract<Upgrade, { type: 'param' }>).value
  if (typeof va === 'number' && typeof vb === 'number') return vb > va ? b : a
  return String(vb) > String(va) ? b : a
}

/**
 * Candidates' upgrades combined: per key the greatest value. If the combination does not
 * validate (a module's parameters are checked together), the fallback's own list is used.
 */
export const combineUpgrades = (
  lists: ReadonlyArray<readonly Upgrade[]>,
  fallback: readonly Upgrade[],
  state: LedgerState,
  protocol: Protocol,
): readonly Upgrade[] => {
  const byKey = new Map<string, Upgrade>()
  for (const u of lists.flat()) {
    const k = upgradeKey(u)
    const seen = byKey.get(k)
    byKey.set(k, seen ? greater(seen, u) : u)
  }
  const combined = [...byKey.values()].sort(compareUpgrades)
  if (combined.length === 0 || validateUpgrades(state, protocol, combined).ok) return combined
  return fallback
}
