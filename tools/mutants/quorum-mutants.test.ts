// Code mutants of the quorum checks must be caught by the simulator's fault search (issue 20):
// each mutant marked `caught` in mutants.ts runs in a child process whose hooks rewrite
// shared/scp/quorum-utils.ts as it loads, over 20 seeds of its plan. A hook that cannot find its
// mutant's text fails the load (so an edit of the checks cannot leave a mutant testing nothing).
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { MUTANTS, MUTATED_FILE } from './mutants.ts'

const search = (mutant: string, plan: string) =>
  spawnSync(
    process.execPath,
    ['--import', './tools/mutants/hooks.ts', 'tools/mutants/search.ts', '--runs', '20', '--plan', plan],
    { env: { ...process.env, MUTANT: mutant }, encoding: 'utf8', timeout: 300_000 },
  )

for (const m of MUTANTS.filter((x) => x.caught))
  test(`the fault search catches the quorum-check mutant ${m.name} (${m.breaks})`, () => {
    const r = search(m.name, m.plan)
    assert.equal(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      caught: boolean
      seed?: number
      violation?: string
    }
    assert.equal(out.caught, true, `${m.name} survived 20 ${m.plan} seeds`)
    console.log(`${m.name}: caught at seed ${out.seed}: ${out.violation?.slice(0, 80)}`)
  })

test('every mutant edits text the quorum checks have today; an unknown mutant fails to load', () => {
  const source = readFileSync(`.${MUTATED_FILE}`, 'utf8')
  for (const m of MUTANTS)
    assert.ok(source.includes(m.from), `${m.name}: its text is gone from ${MUTATED_FILE}`)
  const r = search('no-such-mutant', 'partition')
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /MUTANT must name one of/)
})
