// A Playwright reporter that keeps flakes visible (issue 20): CI retries a failed test once, and a
// test that passed only on its retry is a flake, not a pass. Each run lists its flaky tests in
// the summary and writes them to bench/results/flaky.json; a test that is flaky now and was
// flaky in the record it found (the previous run's, as committed) fails the whole run. See
// docs/testing.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { FullResult, Reporter, TestCase } from '@playwright/test/reporter'

export const FLAKY_RECORD = 'bench/results/flaky.json'

interface FlakyRecord {
  readonly timestamp: string
  /** "file > title" of each test that passed only on a retry. */
  readonly flaky: readonly string[]
}

const nameOf = (t: TestCase): string => `${t.location.file.split('/').slice(-2).join('/')} > ${t.title}`

const readRecord = (file: string): readonly string[] => {
  if (!existsSync(file)) return []
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Partial<FlakyRecord>
    return Array.isArray(r.flaky) ? r.flaky.filter((x): x is string => typeof x === 'string') : []
  } catch {
    return [] // a torn or hand-edited record counts as none
  }
}

export default class FlakyReporter implements Reporter {
  private readonly flaky = new Set<string>()
  private readonly record: string
  private readonly previous: readonly string[]
  private readonly log: (line: string) => void

  /** `record`: the file the record is kept in (playwright.config.ts passes none: FLAKY_RECORD). */
  constructor(options: { record?: string; log?: (line: string) => void } = {}) {
    this.record = options.record ?? FLAKY_RECORD
    this.previous = readRecord(this.record)
    this.log = options.log ?? ((line) => console.log(line))
  }

  onTestEnd(test: TestCase): void {
    if (test.outcome() === 'flaky') this.flaky.add(nameOf(test))
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    const now = [...this.flaky].sort()
    // rewritten only when the list changes, so a clean run leaves the committed record alone
    if (now.join('\n') !== [...this.previous].sort().join('\n')) {
      mkdirSync(dirname(this.record), { recursive: true })
      const record: FlakyRecord = { timestamp: new Date().toISOString(), flaky: now }
      writeFileSync(this.record, `${JSON.stringify(record, null, 2)}\n`)
    }
    if (now.length === 0) return undefined
    this.log(`\nflaky (passed only on retry): ${now.length}`)
    for (const n of now) this.log(`  flaky: ${n}`)
    const again = now.filter((n) => this.previous.includes(n))
    if (again.length === 0) return undefined
    for (const n of again) this.log(`  flaky in two runs in a row, failing the run: ${n}`)
    return { status: result.status === 'passed' ? 'failed' : result.status }
  }

  printsToStdio(): boolean {
    return false
  }
}
