// Loaded with `node --import ./tools/mutants/hooks.ts` and MUTANT=<name>: rewrites the quorum
// checks' source as Node loads it (module.registerHooks, in this thread), so the code under test
// is the mutant and nothing on disk changes. A mutant whose text is not found fails at load: an
// edit of quorum-utils.ts must be matched here, or the mutant would silently test nothing.
import { registerHooks } from 'node:module'
import { MUTATED_FILE, mutantNamed } from './mutants.ts'

const mutant = mutantNamed(process.env.MUTANT ?? '')
if (mutant === undefined)
  throw new Error(`MUTANT must name one of tools/mutants/mutants.ts, not '${process.env.MUTANT}'`)

registerHooks({
  load(url, context, nextLoad) {
    const loaded = nextLoad(url, context)
    if (!url.endsWith(MUTATED_FILE)) return loaded
    const source = String(loaded.source)
    if (!source.includes(mutant.from))
      throw new Error(`mutant ${mutant.name}: its text is not in ${MUTATED_FILE}`)
    return { ...loaded, source: source.replace(mutant.from, mutant.to) }
  },
})
