// Module parameters and protocol upgrades at the ledger level: the params parser (strict, with
// defaults), the Upgrade guard and its canonical lists, validation against the protocol in force
// (the module's own parser decides), and application after the close steps, recorded in state.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyLedger } from './apply.ts'
import { genesisState } from './genesis.ts'
import { composeProtocol, defineModule } from './module.ts'
import { coreModule } from './operations/core.ts'
import { intParam, paramsSpec, unitsParam } from './params.ts'
import { paramsAt, protocolVersionAt } from './protocol-state.ts'
import { at, GENESIS_TIME, testConfig } from './test/fixtures.ts'
import { makeTxSet } from './tx-set.ts'
import { isUpgrade, parseUpgrades, type Upgrade, validateUpgrade, validateUpgrades } from './upgrade.ts'

interface Window {
  readonly lo: number
  readonly hi: number
  readonly cap: bigint
}
const seen: Window[] = []
const windowed = defineModule({
  name: 'window',
  params: paramsSpec<Window>(
    { lo: intParam(2, 0, 100), hi: intParam(5, 0, 100), cap: unitsParam(1000n) },
    (p) => (p.hi < p.lo ? 'hi' : undefined),
  ),
  operations: [],
  closeSteps: [
    {
      name: 'window/see',
      run: (_d, ctx) => {
        seen.push(ctx.params)
        return undefined
      },
    },
  ],
  resultCodes: [],
  readers: {},
})
const protocol = composeProtocol([coreModule, windowed], { maxProtocolVersion: 3 })
const env = { config: testConfig({ params: { window: { hi: 7 } } }), protocol }
const g = genesisState(env.config, protocol).state
const param = (name: string, value: number | string | boolean, module = 'window'): Upgrade => ({
  type: 'param',
  module,
  name,
  value,
})
const close = (upgrades: Upgrade[], state = g, t = GENESIS_TIME + 1000) =>
  applyLedger(state, makeTxSet(state.headerCid, []), at(t, { upgrades }), env)

test('params parse strictly: absent fields default, unknown or out-of-range fields are named', () => {
  const spec = windowed.params
  assert.deepEqual(spec.parse({}), { ok: true, value: { lo: 2, hi: 5, cap: 1000n } })
  assert.deepEqual(spec.parse({ cap: '7' }), { ok: true, value: { lo: 2, hi: 5, cap: 7n } })
  for (const [bad, field] of [
    [{ lo: 101 }, 'lo'],
    [{ lo: 1.5 }, 'lo'],
    [{ cap: 7 }, 'cap'],
    [{ cap: '07' }, 'cap'],
    [{ lo: 6 }, 'hi'],
    [{ other: 1 }, 'other'],
    [[], 'root'],
  ] as const) {
    assert.deepEqual(
      spec.parse(bad),
      { ok: false, error: { code: 'bad_params', field } },
      JSON.stringify(bad),
    )
  }
  assert.deepEqual(spec.toJson(spec.defaults), { lo: 2, hi: 5, cap: '1000' })
  assert.deepEqual(paramsAt(g, windowed), { lo: 2, hi: 7, cap: 1000n }, 'genesis params, defaults filled in')
  const unknown = { ...env.config, params: { nobody: {} } }
  assert.throws(() => genesisState(unknown, protocol), /bad_genesis/)
})

test('upgrade lists are checked strictly and must be canonical', () => {
  assert.ok(isUpgrade({ type: 'protocolVersion', version: 2 }))
  assert.ok(isUpgrade(param('lo', 1)))
  for (const bad of [
    { type: 'protocolVersion', version: 0 },
    { type: 'protocolVersion', version: 2, extra: 1 },
    { type: 'param', module: 'window', name: 'lo', value: 1.5 },
    { type: 'param', module: 'window', name: '', value: 1 },
    { type: 'param', module: 'window', name: 'lo', value: null },
    { type: 'other' },
  ])
    assert.equal(isUpgrade(bad), false, JSON.stringify(bad))
  const v2: Upgrade = { type: 'protocolVersion', version: 2 }
  assert.ok(parseUpgrades([v2, param('hi', 9), param('lo', 1)]).ok)
  assert.equal(parseUpgrades([param('lo', 1), v2]).ok, false, 'the version sorts first')
  assert.equal(parseUpgrades([param('lo', 1), param('lo', 2)]).ok, false, 'one upgrade per key')
  assert.equal(parseUpgrades(Array(9).fill(v2)).ok, false, 'at most MAX_UPGRADES')
})

test('upgrades are validated against the protocol in force, by the module parser', () => {
  const reason = (u: Upgrade[]) => {
    const r = validateUpgrades(g, protocol, u)
    return r.ok ? 'ok' : r.error.reason
  }
  assert.equal(reason([{ type: 'protocolVersion', version: 1 }]), 'version_not_newer')
  assert.equal(reason([{ type: 'protocolVersion', version: 4 }]), 'version_unsupported')
  assert.equal(reason([{ type: 'protocolVersion', version: 3 }]), 'ok')
  assert.equal(reason([param('lo', 1, 'nobody')]), 'unknown_module')
  assert.equal(reason([param('wide', 1)]), 'unknown_param')
  assert.equal(reason([param('lo', 101)]), 'bad_value')
  assert.equal(reason([param('cap', 5)]), 'bad_value', 'an amount is a decimal string')
  assert.equal(reason([param('hi', 7)]), 'unchanged')
  assert.equal(reason([param('lo', 8)]), 'bad_value', 'lo above hi breaks the rule')
  assert.equal(reason([param('hi', 9), param('lo', 8)]), 'ok', 'one module checked with all its upgrades')
  assert.equal(reason([param('lo', 1), param('hi', 9)]), 'order')
  assert.ok(validateUpgrade(g, protocol, param('cap', '5')).ok)
})

test('an upgrade applies after the close steps, from the next ledger, and stays in state', () => {
  seen.length = 0
  const upgrades = [{ type: 'protocolVersion', version: 2 } as const, param('hi', 9), param('lo', 8)]
  const l2 = close(upgrades)
  assert.ok(l2.ok)
  assert.deepEqual(seen, [{ lo: 2, hi: 7, cap: 1000n }], 'ledger 2 ran on the old parameters')
  assert.equal(l2.value.header.protocolVersion, 2)
  assert.equal(protocolVersionAt(l2.value.state), 2)
  assert.deepEqual(paramsAt(l2.value.state, windowed), { lo: 8, hi: 9, cap: 1000n })
  const l3 = close([], l2.value.state, GENESIS_TIME + 2000)
  assert.ok(l3.ok)
  assert.deepEqual(seen[1], { lo: 8, hi: 9, cap: 1000n }, 'ledger 3 runs on the new ones')
  assert.equal(l3.value.header.protocolVersion, 2)
  const refused = close([param('lo', 50)])
  assert.equal(!refused.ok && refused.error.code, 'bad_upgrade', 'a bad upgrade refuses the ledger')
})
