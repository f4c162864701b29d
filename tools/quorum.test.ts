// The quorum command line: the README results as one JSON object, errors as exit code 2.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runQuorumCli } from './quorum.ts'

const data = (f: string) => fileURLToPath(new URL(`../shared/quorum/test/fbas/${f}`, import.meta.url))

test('prints the analysis of correct.json naming nodes by position', () => {
  const r = runQuorumCli([data('correct.json')])
  assert.equal(r.code, 0)
  assert.deepEqual(JSON.parse(r.out), {
    intersection: true,
    topTier: [0, 1, 10],
    minimalQuorums: [
      [0, 1],
      [0, 10],
      [1, 10],
    ],
    minimalBlockingSets: [
      [0, 1],
      [0, 10],
      [1, 10],
    ],
    minimalSplittingSets: [[0], [1], [4], [10]],
  })
})

test('--names prints public keys', () => {
  const r = runQuorumCli([data('broken_trivial.json'), '--names'])
  assert.equal(r.code, 0)
  const out = JSON.parse(r.out)
  assert.equal(out.intersection, false)
  assert.deepEqual(out.minimalQuorums[0], ['GCGB2S2KGYARPVIA37HYZXVRM2YZUEXA6S33ZU5BUDC6THSB62LZSTYH'])
})

test('bad file, bad JSON, bad document, bad arguments: one line and exit code 2', () => {
  const badJson = join(tmpdir(), `quorum-bad-${process.pid}.json`)
  writeFileSync(badJson, '[{')
  const notNodes = join(tmpdir(), `quorum-obj-${process.pid}.json`)
  writeFileSync(notNodes, '{"a": 1}')
  for (const args of [
    ['/nonexistent/x.json'],
    [badJson],
    [notNodes],
    [],
    [data('correct.json'), '--bogus'],
  ]) {
    const r = runQuorumCli(args)
    assert.equal(r.code, 2, args.join(' '))
    assert.match(r.out, /^quorum: [^\n]+$/)
  }
})
