// Random quorum sets: mostly well-formed nesting with edge thresholds, duplicate and unknown nodes,
// depth past the limit, and now and then a field of the wrong type at any level.
import * as fc from 'fast-check'
import { NODE_IDS } from './fixtures.ts'

const node = fc.oneof(fc.constantFrom<unknown>(...NODE_IDS, 'Wunknown', ''), fc.string({ maxLength: 60 }))
const junk = fc.oneof(fc.constantFrom<unknown>(null, 1, 'x', {}, [], true), fc.string({ maxLength: 4 }))

export const qsetArb: fc.Arbitrary<unknown> = fc.letrec<{ q: unknown }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    junk,
    fc.record({
      threshold: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constantFrom<unknown>(0.5, 1e300, '1', null)),
      validators: fc.oneof({ weight: 5, arbitrary: fc.array(node, { maxLength: 6 }) }, junk),
      innerSets: fc.oneof({ weight: 5, arbitrary: fc.array(tie('q'), { maxLength: 3 }) }, junk),
    }),
  ),
})).q
