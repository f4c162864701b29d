// The relay's HTTP request path: any client on the internet sends it. lookupStatic resolves it
// under the static root, which here is a small temporary tree with a dotfile and a symlink that
// points outside it; whatever the path, a file it hands back must lie inside the root.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as fc from 'fast-check'
import { lookupStatic } from '../../../relay/static-files.ts'
import { expect, type Target } from '../target.ts'

let root: string | undefined
const staticRoot = (): string => {
  if (root) return root
  const made = realpathSync(mkdtempSync(path.join(tmpdir(), 'watt-fuzz-static-')))
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'watt-fuzz-outside-')))
  writeFileSync(path.join(outside, 'secret.txt'), 'secret')
  mkdirSync(path.join(made, 'assets'))
  writeFileSync(path.join(made, 'index.html'), '<!doctype html>')
  writeFileSync(path.join(made, 'assets', 'app.js'), '')
  writeFileSync(path.join(made, '.env'), 'x')
  symlinkSync(outside, path.join(made, 'assets', 'link'))
  process.once('exit', () => {
    rmSync(made, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })
  root = made
  return made
}

const SEGMENTS = [
  '..',
  '.',
  '%2e%2e',
  '%2E.',
  '%2f',
  '%00',
  '%5c',
  '\\',
  '%',
  '%zz',
  '%c0%ae',
  '',
  'assets',
  'link',
]
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1')

const staticPath: Target<Uint8Array> = {
  name: 'relay-path',
  about: 'an HTTP request path to the relay: lookupStatic; a file it returns must be inside the static root',
  kind: 'bytes',
  seeds: () =>
    ['/', '/index.html', '/assets/app.js', '/assets/link/secret.txt', '/.well-known/x', '/wallet'].map((s) =>
      new TextEncoder().encode(s),
    ),
  arbitrary: fc
    .array(
      fc.oneof(fc.constantFrom(...SEGMENTS, 'index.html', 'secret.txt', '.env'), fc.string({ maxLength: 6 })),
      { maxLength: 6 },
    )
    .map((xs) => new TextEncoder().encode(`/${xs.join('/')}`)),
  run: async (bytes) => {
    const r = await lookupStatic(staticRoot(), latin1(bytes))
    if (r.kind === 'file')
      expect(r.file.startsWith(staticRoot() + path.sep), `served ${r.file}, outside the root`)
    return r.kind === 'file' ? r : undefined
  },
  weight: 0.5,
}

export const relayTargets: readonly Target[] = [staticPath]
