// The validator set is ledger state (issue 11, item 3): an operation (the toy module's admin op)
// writes it; from the next ledger on it decides whose EXTERNALIZE signatures a ledger's agreed
// facts may name, and the mining day boundary credits node rewards and seeds trust from the set
// in force, not from genesis.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyLedger, type CloseInfo, type LedgerEnv } from '../ledger/apply.ts'
import { composeProtocol, withCloseSteps } from '../ledger/module.ts'
import type { CloseStep, Operation } from '../ledger/operations/registry.ts'
import { getAccount, getPools, type LedgerState } from '../ledger/state.ts'
import {
  at,
  body,
  create,
  FAUCET,
  GENESIS_TIME,
  genesis,
  signed,
  type TestKey,
  testConfig,
  testKey,
  VALIDATOR,
} from '../ledger/test/fixtures.ts'
import { nodeVerifier } from '../ledger/test/node-ed25519.ts'
import { checkTxs, makeTxSet } from '../ledger/tx-set.ts'
import { validatorSetAt } from '../ledger/validators.ts'
import { dayInputsFromLedger } from '../mining/day-close.ts'
import type { DayInputs } from '../mining/day-inputs.ts'
import { computeDayDistribution } from '../mining/distribution.ts'
import { MODULE as MINING } from '../mining/ledger-data.ts'
import { defaultMiningParams, type MiningParams } from '../mining/params.ts'
import { NETWORK_MODULES, networkEnv } from '../node/protocol.ts'
import { toyModule } from './module.ts'

const A = testKey(40)
const MODULES = [...NETWORK_MODULES, toyModule]
const config = testConfig({ params: { toy: { admin: FAUCET.address } } })
const env = networkEnv(config, MODULES)
const setTo = (...ks: TestKey[]) =>
  ({ type: 'toySetValidators', validators: ks.map((k) => k.pk) }) as Operation
const sorted = (...ks: TestKey[]) => ks.map((k) => k.address).sort()

let seq = 0n
const ledger = async (
  s: LedgerState,
  txs: [TestKey, Operation[]][],
  facts: CloseInfo,
  e: LedgerEnv = env,
) => {
  const bytes = await Promise.all(txs.map(([k, ops]) => signed(k, body(k, k === FAUCET ? ++seq : 1n, ops))))
  const checked = (await checkTxs(bytes, e.protocol, nodeVerifier)).map((c) =>
    c.ok ? c.value : assert.fail(),
  )
  return applyLedger(s, makeTxSet(s.headerCid, checked), facts, e)
}
const must = async (p: ReturnType<typeof ledger>) => {
  const r = await p
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error))
  for (const x of r.value.results) assert.ok(x.ok, `tx rejected: ${x.code}`)
  return r.value.state
}

test('a validator set written by an operation takes effect at the next ledger for signer checks', async () => {
  seq = 0n
  const g = genesis(config, env.protocol)
  assert.deepEqual(validatorSetAt(g), [VALIDATOR.address], 'genesis seeds the set')
  const addA = [create(A, 50_000n), setTo(VALIDATOR, A)]
  const l2 = await ledger(g, [[FAUCET, addA]], at(GENESIS_TIME + 1000, { signers: [A.address] }))
  assert.equal(!l2.ok && l2.error.code, 'bad_signers', 'A is not a validator yet in the ledger that adds it')
  seq = 0n
  const s2 = await must(ledger(g, [[FAUCET, addA]], at(GENESIS_TIME + 1000)))
  assert.deepEqual(validatorSetAt(s2), [VALIDATOR.address, A.address])
  const s3 = await must(ledger(s2, [], at(GENESIS_TIME + 2000, { signers: sorted(VALIDATOR, A) })))
  const unsorted = [...sorted(VALIDATOR, A)].reverse()
  const bad = await ledger(s3, [], at(GENESIS_TIME + 3000, { signers: unsorted }))
  assert.deepEqual(!bad.ok && bad.error, { code: 'bad_signers', reason: 'order' })
  const notAdmin = await ledger(s3, [[A, [setTo(A)]]], at(GENESIS_TIME + 3000))
  assert.ok(notAdmin.ok)
  assert.equal(notAdmin.value.results[0]?.code, 'not_admin', 'only the admin parameter may set it')
  assert.deepEqual(validatorSetAt(notAdmin.value.state), [VALIDATOR.address, A.address])
})

/** Day 0's inputs exactly as the boundary ledger's mining step sees them. */
const probing = (seen: (inputs: DayInputs, params: MiningParams) => void): LedgerEnv => {
  const probe: CloseStep<MiningParams> = {
    name: 'probe',
    run: (d, ctx) => {
      if (ctx.dayIndex > ctx.prevDayIndex) seen(dayInputsFromLedger(d, ctx.prevDayIndex, ctx), ctx.params)
      return undefined
    },
  }
  const modules = withCloseSteps(MODULES, MINING, (own) => [probe as CloseStep, ...own])
  return { config, protocol: composeProtocol(modules) }
}

test('node rewards and trust seeds at the day boundary come from the set in force, not genesis', async () => {
  seq = 0n
  const checkIn = { type: 'checkIn', presence: { kind: 'hold' } } as Operation
  const DAY = config.dayLengthMs
  let s = genesis(config, env.protocol)
  // ledger 2: A gets an account and checks in; the set becomes {VALIDATOR, A}
  s = await must(ledger(s, [[FAUCET, [create(A, 50_000n), setTo(VALIDATOR, A)]]], at(GENESIS_TIME + 1000)))
  // A runs its validator with its own key as its account: it links the node to itself (node-link.ts)
  const link = { type: 'linkNode', node: A.pk } as Operation
  s = await must(ledger(s, [[A, [checkIn, link]]], at(GENESIS_TIME + 2000, { signers: [VALIDATOR.address] })))
  s = await must(ledger(s, [], at(GENESIS_TIME + 3000, { signers: sorted(VALIDATOR, A) })))
  // ledger 5 leaves only A in the set (VALIDATOR may still sign this one: it ran under the old set)
  s = await must(
    ledger(s, [[FAUCET, [setTo(A)]]], at(GENESIS_TIME + 4000, { signers: sorted(VALIDATOR, A) })),
  )
  const refused = await ledger(s, [], at(GENESIS_TIME + 5000, { signers: [VALIDATOR.address] }))
  assert.equal(!refused.ok && refused.error.code, 'bad_signers', 'VALIDATOR left the set in ledger 5')
  s = await must(ledger(s, [], at(GENESIS_TIME + 5000, { signers: [A.address] })))
  const before = s

  // The day's inputs, built by hand from what the ledgers above did: ledgers 2..6 are day 0;
  // VALIDATOR signed the EXTERNALIZEs named in ledgers 3, 4, 5 and A those in 4, 5, 6; the trust
  // seeds are the operator accounts of the set in force at the boundary: A alone (VALIDATOR has
  // no operator account, and a node key is never a seed by itself).
  const pools = getPools(before)
  const expected: DayInputs = {
    day: 0,
    checkedIn: [A.address],
    holdCheckIns: [A.address],
    circles: [],
    invites: [],
    validators: [
      { account: VALIDATOR.address, signed: 3 },
      { account: A.address, signed: 3 },
    ],
    ledgersInDay: 5,
    seeds: [A.address],
    feePool: pools.feePool,
    phase1Remaining: pools.unissued.phase1!,
  }
  let seen: DayInputs | undefined
  const boundary = await ledger(
    before,
    [],
    at(GENESIS_TIME + DAY, { signers: [A.address] }),
    probing((i) => {
      seen = i
    }),
  )
  assert.ok(boundary.ok)
  assert.deepEqual(seen, expected)
  const dist = computeDayDistribution(expected, defaultMiningParams)
  const genesisSeeds = computeDayDistribution(
    { ...expected, seeds: [VALIDATOR.address] },
    defaultMiningParams,
  )
  const reward = (d: typeof dist, k: TestKey) => d.rewards.find((r) => r.account === k.address)!.total
  assert.notEqual(reward(dist, A), reward(genesisSeeds, A), 'the seeds decide A trust: the test can tell')
  const after = boundary.value.state
  const balance = (st: LedgerState, k: TestKey) => getAccount(st, k.address)?.balance ?? 0n
  for (const k of [A, VALIDATOR]) assert.equal(balance(after, k) - balance(before, k), reward(dist, k))
  assert.ok(
    dist.rewards.find((r) => r.account === VALIDATOR.address)!.node > 0n,
    'VALIDATOR earned a node part',
  )
  assert.deepEqual(boundary.value.header.moduleTotals.mining, {
    emission: dist.emission,
    feePool: dist.feePool,
    distributed: dist.distributed,
    remainder: dist.remainder,
  })
})
