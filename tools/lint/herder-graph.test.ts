// One herder (issue 11, item 4): the simulator runs the same consensus code the SharedWorker core
// runs. Every file of shared/node the browser's ledger service reaches is reached by the
// simulator too, and nothing in shared/sim builds an SCP node of its own.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { closureOf, ROOT, sources } from './import-graph.ts'

const herderFiles = (closure: Set<string>) =>
  [...closure].filter((f) => f.startsWith('shared/node/') && !f.includes('.test.') && !f.includes('/test/'))

test('the simulator imports every herder file the SharedWorker core runs', () => {
  const core = herderFiles(closureOf('worker/node/ledger-service.ts'))
  const sim = new Set(herderFiles(closureOf('shared/sim/scenario.ts')))
  assert.ok(core.includes('shared/node/consensus-node.ts'), 'the core runs the herder')
  for (const part of ['scp-driver', 'scp-intake', 'applier', 'nominator', 'catchup-client', 'catchup-server'])
    assert.ok(core.includes(`shared/node/${part}.ts`), `the core runs ${part}`)
  // reading /genesis is the browser's start-up, not the herder
  const notHerder = new Set(['shared/node/genesis-document.ts', 'shared/node/config-json.ts'])
  const missing = core.filter((f) => !sim.has(f) && !notHerder.has(f))
  assert.deepEqual(missing, [], 'herder files the simulator does not run')
})

test('no second SCP node in the simulator', () => {
  for (const f of sources('shared/sim')) {
    if (f.includes('.test.')) continue
    const text = readFileSync(join(ROOT, f), 'utf8')
    assert.ok(!/\bcreateScp\(/.test(text), `${f} builds its own SCP node`)
  }
})
