// The project's relative imports, read from the sources as text: each file's imports resolved to
// repository paths, for the tests that check the shape of the code (edges.test.ts,
// herder-graph.test.ts).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, normalize, relative } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
const IMPORT = /(?:from|import\()\s*'(\.[^']+)'/g

/** The .ts/.tsx files under `dir` (a repository path). */
export const sources = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f))

/** The repository paths `file` imports (relative imports only). */
export const importsOf = (file: string): string[] =>
  [...readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)].map((m) =>
    relative(ROOT, normalize(join(ROOT, dirname(file), m[1]!))),
  )

/** Every file reachable from `entry` through relative imports, `entry` included. */
export const closureOf = (entry: string): Set<string> => {
  const seen = new Set<string>()
  const stack = [entry]
  while (stack.length > 0) {
    const f = stack.pop()!
    if (seen.has(f)) continue
    seen.add(f)
    stack.push(...importsOf(f))
  }
  return seen
}
