// `npm run quorum -- FILE.json [--names] [--all-nodes] [--ignore-inactive]`: analyses a
// stellarbeat-format FBAS snapshot and prints one JSON object naming nodes by their position
// in the file (or by public key with --names). Bad input: one error line, exit code 2.
import { readFileSync } from 'node:fs'
import { analyzeFbas, type FbasAnalysis } from '../shared/quorum/analyze.ts'
import { fbasFromStellarbeat } from '../shared/quorum/read.ts'

const USAGE = 'usage: npm run quorum -- FILE.json [--names] [--all-nodes] [--ignore-inactive]'

export type CliOutcome = { code: 0; out: string } | { code: 2; out: string }

const fail = (message: string): CliOutcome => ({ code: 2, out: `quorum: ${message}` })

/** Runs the command for the given arguments; returns what to print and the exit code. */
export const runQuorumCli = (args: readonly string[]): CliOutcome => {
  const flags = new Set(args.filter((a) => a.startsWith('--')))
  const files = args.filter((a) => !a.startsWith('--'))
  const unknown = [...flags].filter((f) => !['--names', '--all-nodes', '--ignore-inactive'].includes(f))
  if (files.length !== 1 || unknown.length > 0) return fail(USAGE)
  let text: string
  try {
    text = readFileSync(files[0]!, 'utf8')
  } catch (e) {
    return fail(`cannot read ${files[0]}: ${(e as Error).message}`)
  }
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    return fail(`bad JSON in ${files[0]}: ${(e as Error).message}`)
  }
  const fbas = fbasFromStellarbeat(doc, { ignoreInactive: flags.has('--ignore-inactive') })
  if (!fbas.ok) return fail(`${fbas.error.code}: ${fbas.error.message ?? ''}`)
  const result = analyzeFbas(fbas.value, { splittingScope: flags.has('--all-nodes') ? 'all' : 'core' })
  if (!result.ok) return fail(`${result.error.code}: ${result.error.message ?? ''}`)
  const a: FbasAnalysis = result.value
  const names = fbas.value.names
  const name = (v: number): number | string => (flags.has('--names') ? names[v]! : v)
  const sets = (xs: number[][]) => xs.map((s) => s.map(name))
  return {
    code: 0,
    out: JSON.stringify({
      intersection: a.intersection,
      topTier: a.topTier.map(name),
      minimalQuorums: sets(a.minimalQuorums),
      minimalBlockingSets: sets(a.minimalBlockingSets),
      minimalSplittingSets: sets(a.minimalSplittingSets),
    }),
  }
}

if (import.meta.main) {
  const { code, out } = runQuorumCli(process.argv.slice(2))
  if (code === 0) console.log(out)
  else console.error(out)
  process.exitCode = code
}
