// The genesis config: every fact a network is born with. The relay serves it at GET /genesis and
// nodes pin it by CID; parameters that later change do so only through protocol upgrades.
import { type Address, isAddress } from '../crypto/address.ts'
import { err, ok, type Result, type WattError, wattError } from '../util/errors.ts'
import { type Amount, watt } from './amount.ts'

export interface GenesisConfig {
  readonly networkId: string
  readonly protocolVersion: number
  readonly genesisTimeMs: number
  readonly supplyCap: Amount
  /** The reserve account (5% of the cap at genesis), which also funds the faucet. */
  readonly reserve: { readonly address: Address; readonly amount: Amount }
  /** Coins not yet issued, by pool name: `phase1` (app mining) and `future` (phases 2 and 3). */
  readonly unissued: Readonly<Record<string, Amount>>
  readonly closeIntervalMs: number
  readonly dayLengthMs: number
  /** Ledger capacity in operations; surge pricing starts above it. */
  readonly ledgerCapacityOps: number
  readonly minFeePerOp: Amount
  /** Node addresses of the validators named at genesis. */
  readonly validators: readonly Address[]
  /** Devnets only: an account funded from the reserve that hands out test WATT. */
  readonly faucet?: { readonly address: Address; readonly amount: Amount }
  /**
   * Module parameters in JSON form, by module name (`{ mining: { phase1Days: 1461, ... } }`);
   * each module's parser checks its own and fills in defaults (genesisProtocolEntry).
   */
  readonly params?: Readonly<Record<string, unknown>>
}

export const SUPPLY_CAP = watt(20_000_000_000n)
export const PHASE1_POOL = watt(6_000_000_000n)
export const RESERVE_SHARE_PERCENT = 5n
export const PROTOCOL_VERSION = 1

export interface GenesisOptions {
  readonly networkId: string
  readonly genesisTimeMs: number
  readonly reserveAddress: Address
  readonly validators: readonly Address[]
  readonly closeIntervalMs?: number
  readonly dayLengthMs?: number
  readonly ledgerCapacityOps?: number
  readonly minFeePerOp?: Amount
  readonly faucet?: { readonly address: Address; readonly amount: Amount }
  readonly params?: Readonly<Record<string, unknown>>
}

/** A config with the whitepaper's economics; main-network timing unless overridden. */
export const makeGenesisConfig = (o: GenesisOptions): GenesisConfig => {
  const reserve = ((SUPPLY_CAP * RESERVE_SHARE_PERCENT) / 100n) as Amount
  const config: GenesisConfig = {
    networkId: o.networkId,
    protocolVersion: PROTOCOL_VERSION,
    genesisTimeMs: o.genesisTimeMs,
    supplyCap: SUPPLY_CAP,
    reserve: { address: o.reserveAddress, amount: reserve },
    unissued: { phase1: PHASE1_POOL, future: (SUPPLY_CAP - reserve - PHASE1_POOL) as Amount },
    closeIntervalMs: o.closeIntervalMs ?? 5_000,
    dayLengthMs: o.dayLengthMs ?? 86_400_000,
    ledgerCapacityOps: o.ledgerCapacityOps ?? 1_000,
    minFeePerOp: o.minFeePerOp ?? (100n as Amount),
    validators: o.validators,
  }
  return { ...config, ...(o.faucet ? { faucet: o.faucet } : {}), ...(o.params ? { params: o.params } : {}) }
}

const bad = (reason: string): { ok: false; error: WattError<'bad_genesis'> } =>
  err(wattError('bad_genesis', { reason }))

/** Checks that a config (e.g. fetched from a relay) is internally consistent. */
export const checkGenesisConfig = (c: GenesisConfig): Result<GenesisConfig, WattError<'bad_genesis'>> => {
  if (typeof c.networkId !== 'string' || !/^[a-z0-9-]{1,32}$/.test(c.networkId)) return bad('network_id')
  if (!Number.isSafeInteger(c.protocolVersion) || c.protocolVersion < 1) return bad('protocol_version')
  if (!isAddress(c.reserve.address)) return bad('reserve_address')
  if (c.faucet && (!isAddress(c.faucet.address) || c.faucet.address === c.reserve.address))
    return bad('faucet')
  if (c.faucet && c.faucet.amount > c.reserve.amount) return bad('faucet_amount')
  if (!Array.isArray(c.validators) || !c.validators.every(isAddress) || c.validators.length === 0)
    return bad('validators')
  let total = c.reserve.amount
  for (const v of Object.values(c.unissued)) total = (total + v) as Amount
  if (total !== c.supplyCap) return bad('supply_not_conserved')
  for (const n of [c.closeIntervalMs, c.dayLengthMs, c.ledgerCapacityOps, c.genesisTimeMs]) {
    if (!Number.isSafeInteger(n) || n <= 0) return bad('timing')
  }
  if (c.dayLengthMs < c.closeIntervalMs) return bad('timing')
  const isObject = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x)
  if (c.params !== undefined && (!isObject(c.params) || !Object.values(c.params).every(isObject)))
    return bad('params')
  return ok(c)
}

export const dayIndexOf = (c: GenesisConfig, timeMs: number): number =>
  Math.floor((timeMs - c.genesisTimeMs) / c.dayLengthMs)
