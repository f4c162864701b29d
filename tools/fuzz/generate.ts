// Input i of a target is a pure function of (run seed, target name, i): so any input a run reports
// can be rebuilt from the seed and its index alone (`npm run fuzz -- --target T --seed S --index I`).
// Inputs rotate through the modes the target supports: byte mutations of a seed, data mutations of a
// seed (for CBOR seeds: decoded, mutated, re-encoded), and the target's own arbitrary.
import * as fc from 'fast-check'
import * as dagCbor from '@ipld/dag-cbor'
import { applyTreeMutation, cloneData, type DataOptions, type TreeMutation, treeMutationArb } from './data.ts'
import { applyByteMutation, type ByteMutation, byteMutationArb } from './mutate.ts'
import type { Target } from './target.ts'

export type Mode = 'bytes' | 'tree' | 'arbitrary'

export interface Generated {
  readonly mode: Mode
  readonly input: unknown
}

/** FNV-1a over the text: a 31-bit seed for fast-check. */
export const inputSeed = (seed: number, name: string, index: number): number => {
  let h = 0x811c9dc5
  for (const c of `${seed}:${name}:${index}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193)
  return (h >>> 0) & 0x7fffffff
}

export const modesOf = (t: Target, seedCount: number): Mode[] => {
  if (seedCount === 0) return ['arbitrary']
  if (t.kind !== 'bytes') return ['tree', 'arbitrary']
  return t.cbor ? ['bytes', 'tree', 'arbitrary'] : ['bytes', 'arbitrary']
}

interface Plan<M> {
  readonly seed: number
  readonly mutations: readonly M[]
}

const plans = new WeakMap<
  Target,
  { bytes: fc.Arbitrary<Plan<ByteMutation>>; tree: fc.Arbitrary<Plan<TreeMutation>> }
>()
const planArbs = (t: Target) => {
  let p = plans.get(t)
  if (!p) {
    const data: DataOptions = { ...t.vocabulary, data: t.kind === 'bytes' ? 'cbor' : t.kind }
    const plan = <M>(m: fc.Arbitrary<M>) =>
      fc.record({ seed: fc.nat(), mutations: fc.array(m, { minLength: 1, maxLength: 4 }) })
    p = { bytes: plan(byteMutationArb), tree: plan(treeMutationArb(data)) }
    plans.set(t, p)
  }
  return p
}

const draw = <T>(arb: fc.Arbitrary<T>, seed: number): T => fc.sample(arb, { seed, numRuns: 1 })[0]!

const mutateBytes = (seeds: readonly Uint8Array[], plan: Plan<ByteMutation>): Uint8Array =>
  plan.mutations.reduce((b, m) => applyByteMutation(b, m, seeds), seeds[plan.seed % seeds.length]!)

const mutateTree = (seed: unknown, plan: Plan<TreeMutation>): unknown =>
  plan.mutations.reduce((v, m) => applyTreeMutation(v, m), cloneData(seed))

/** Decodes a CBOR seed, mutates it as data, re-encodes; an unencodable result keeps the seed. */
const mutateCbor = (seeds: readonly Uint8Array[], plan: Plan<TreeMutation>): Uint8Array => {
  const seed = seeds[plan.seed % seeds.length]!
  try {
    return dagCbor.encode(mutateTree(dagCbor.decode(seed), plan))
  } catch {
    return seed
  }
}

/** Input `index` of the target under the run seed. */
export const inputAt = (t: Target, seeds: readonly unknown[], seed: number, index: number): Generated => {
  const modes = modesOf(t, seeds.length)
  const mode = modes[index % modes.length]!
  const s = inputSeed(seed, t.name, index)
  if (mode === 'arbitrary') return { mode, input: draw(t.arbitrary, s) }
  if (mode === 'bytes') return { mode, input: mutateBytes(seeds as Uint8Array[], draw(planArbs(t).bytes, s)) }
  const plan = draw(planArbs(t).tree, s)
  if (t.kind === 'bytes') return { mode, input: mutateCbor(seeds as Uint8Array[], plan) }
  return { mode, input: mutateTree(seeds[plan.seed % seeds.length], plan) }
}
