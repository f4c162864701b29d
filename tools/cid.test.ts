// The cid tool prints the IPFS CID of a file and fails with one clear line on a missing file.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

const run = (...args: string[]) =>
  spawnSync(process.execPath, [join(import.meta.dirname, 'cid.ts'), ...args], { encoding: 'utf8' })

test('prints the CID of hello world', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cid-'))
  try {
    const f = join(dir, 'hello.txt')
    writeFileSync(f, 'hello world')
    const r = run(f)
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout.trim(), 'bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e')
  } finally {
    rmSync(dir, { recursive: true })
  }
})

test('missing file: one line on stderr, exit 2', () => {
  const r = run('/nonexistent/file.bin')
  assert.equal(r.status, 2)
  assert.equal(r.stdout, '')
  assert.equal(r.stderr.trim().split('\n').length, 1)
  assert.match(r.stderr, /no such file/)
})
