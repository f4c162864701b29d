// The flaky-test reporter: what it records, when it leaves the record alone, and that a test
// flaky in two runs in a row fails the run while a first flake only shows.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import type { FullResult, TestCase } from '@playwright/test/reporter'
import FlakyReporter from './flaky-reporter.ts'

const testCase = (file: string, title: string, outcome: ReturnType<TestCase['outcome']>) =>
  ({ title, location: { file: `/repo/e2e/${file}`, line: 1, column: 1 }, outcome: () => outcome }) as TestCase
const passed = { status: 'passed' } as FullResult

const run = async (record: string, tests: TestCase[], lines: string[] = []) => {
  const r = new FlakyReporter({ record, log: (l) => void lines.push(l) })
  for (const t of tests) r.onTestEnd(t)
  return r.onEnd(passed)
}
const recorded = (file: string): string[] => JSON.parse(readFileSync(file, 'utf8')).flaky

test('a first flake is listed and recorded; the same flake in the next run fails it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'watt-flaky-'))
  const record = path.join(dir, 'flaky.json')
  try {
    const first = await run(record, [
      testCase('a.e2e.ts', 'steady', 'expected'),
      testCase('b.e2e.ts', 'wobbly', 'flaky'),
    ])
    assert.equal(first, undefined, 'a first flake does not fail the run')
    assert.deepEqual(recorded(record), ['e2e/b.e2e.ts > wobbly'])

    const other = await run(record, [testCase('c.e2e.ts', 'other', 'flaky')])
    assert.equal(other, undefined, 'another test flaky once is a first flake too')
    assert.deepEqual(recorded(record), ['e2e/c.e2e.ts > other'])

    const lines: string[] = []
    const again = await run(record, [testCase('c.e2e.ts', 'other', 'flaky')], lines)
    assert.deepEqual(again, { status: 'failed' })
    assert.ok(lines.includes('  flaky in two runs in a row, failing the run: e2e/c.e2e.ts > other'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a clean run leaves an empty record untouched; a torn record counts as none', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'watt-flaky-'))
  const record = path.join(dir, 'flaky.json')
  try {
    writeFileSync(record, '{"timestamp":"then","flaky":[]}\n')
    const before = statSync(record).mtimeMs
    assert.equal(await run(record, [testCase('a.e2e.ts', 'steady', 'expected')]), undefined)
    assert.equal(statSync(record).mtimeMs, before)
    assert.equal(readFileSync(record, 'utf8'), '{"timestamp":"then","flaky":[]}\n')

    writeFileSync(record, '{"flaky": [')
    assert.equal(await run(record, [testCase('a.e2e.ts', 'steady', 'flaky')]), undefined)
    assert.deepEqual(recorded(record), ['e2e/a.e2e.ts > steady'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
