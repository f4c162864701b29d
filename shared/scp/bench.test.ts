// The benchmark workload closes every slot on every node (so a rate measured on it is real).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runScpWorkload } from './bench.ts'

test('benchmark workload externalizes every slot', async () => {
  const r = await runScpWorkload({ nodes: 5, slots: 10 })
  assert.equal(r.slotsExternalized, 10)
  assert.ok(r.envelopesProcessed > 100)
})
