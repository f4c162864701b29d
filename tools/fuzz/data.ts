// Structured inputs: a data arbitrary steered by a target's field names and tag strings (so random
// maps look like its messages), and tree mutations of seed values (a node replaced, deleted, added
// to, or copied from elsewhere in the tree), which keep most of a valid message and break one part.
import * as fc from 'fast-check'
import { cidOfBytes } from '../../shared/codec/dag-cbor.ts'

export interface Vocabulary {
  /** Map keys the target's messages use. */
  readonly keys?: readonly string[]
  /** Strings that mean something to it: type tags, node ids, network names. */
  readonly strings?: readonly string[]
}

const SOME_CID = cidOfBytes(new Uint8Array([1, 2, 3]))
/** Keys that trip naive object handling. */
const NASTY_KEYS = ['__proto__', 'constructor', 'toString', 'length', '0', '']
const EDGE_INTS = [0, -1, 1, 23, 24, 255, 256, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 1e21]

export interface DataOptions extends Vocabulary {
  /** What the values must be: DAG-CBOR encodable, JSON, or anything structured clone carries. */
  readonly data: 'cbor' | 'json' | 'clone'
  readonly maxDepth?: number
}

const leafArb = (o: DataOptions): fc.Arbitrary<unknown> => {
  const strings = [...(o.strings ?? []), 'x']
  const leaves: fc.Arbitrary<unknown>[] = [
    fc.constantFrom<unknown>(null, true, false, ...EDGE_INTS),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(...strings),
    fc.string({ maxLength: 40 }),
  ]
  if (o.data !== 'json')
    leaves.push(
      fc.bigInt(-(2n ** 64n), 2n ** 64n - 1n),
      fc.uint8Array({ maxLength: 70 }),
      fc.constantFrom(new Uint8Array(32), new Uint8Array(64)),
    )
  if (o.data === 'cbor') leaves.push(fc.constant(SOME_CID))
  if (o.data === 'clone')
    leaves.push(
      fc.constantFrom<unknown>(undefined, Number.NaN, -0, Number.POSITIVE_INFINITY, new Date(0)),
      fc.string({ maxLength: 2000 }),
    )
  return fc.oneof(...leaves)
}

/** Random data shaped by a vocabulary: leaves, arrays and maps, up to `maxDepth` deep. */
export const dataArb = (o: DataOptions): fc.Arbitrary<unknown> => {
  const key = fc.oneof(fc.constantFrom(...(o.keys ?? ['type']), ...NASTY_KEYS), fc.string({ maxLength: 8 }))
  const leaf = leafArb(o)
  const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', maxDepth: o.maxDepth ?? 4 },
      leaf,
      fc.array(tie('tree'), { maxLength: 6 }),
      fc.dictionary(key, tie('tree'), { maxKeys: 8, noNullPrototype: true }),
      ...(o.data === 'clone'
        ? [fc.array(tie('tree'), { maxLength: 3 }).map((xs) => new Map(xs.map((x, i) => [i, x])))]
        : []),
    ),
  }))
  return tree
}

export type TreeMutation =
  | { readonly op: 'replace'; readonly at: number; readonly with: unknown }
  | { readonly op: 'delete'; readonly at: number }
  | { readonly op: 'add'; readonly at: number; readonly key: string; readonly with: unknown }
  | { readonly op: 'copy'; readonly at: number; readonly from: number }

export const treeMutationArb = (o: DataOptions): fc.Arbitrary<TreeMutation> => {
  const value = dataArb({ ...o, maxDepth: 2 })
  const key = fc.oneof(fc.constantFrom(...(o.keys ?? ['type']), ...NASTY_KEYS), fc.string({ maxLength: 8 }))
  return fc.oneof(
    fc.record({ op: fc.constant('replace' as const), at: fc.nat(), with: value }),
    fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('add' as const), at: fc.nat(), key, with: value }),
    fc.record({ op: fc.constant('copy' as const), at: fc.nat(), from: fc.nat() }),
  )
}

const isContainer = (x: unknown): x is Record<string, unknown> | unknown[] =>
  Array.isArray(x) || (typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype)

/** A copy of plain arrays, objects and bytes; anything else (CIDs, bigints) is shared. */
export const cloneData = (x: unknown): unknown => {
  if (x instanceof Uint8Array) return new Uint8Array(x) // a copy even of a Buffer
  if (Array.isArray(x)) return x.map(cloneData)
  if (!isContainer(x)) return x
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(x)) setOwn(out, k, cloneData(v))
  return out
}

/** Sets an own property (a `__proto__` key stays a key, as JSON.parse and CBOR decoding make it). */
const setOwn = (o: Record<string, unknown>, k: string, v: unknown): void => {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
}

interface Slot {
  readonly parent: Record<string, unknown> | unknown[] | undefined
  readonly key: string
}

/** Every node of the tree as (parent, key), root first; bounded. */
const slots = (root: unknown, max = 512): Slot[] => {
  const out: Slot[] = [{ parent: undefined, key: '' }]
  const walk = (x: unknown) => {
    if (!isContainer(x)) return
    for (const k of Object.keys(x)) {
      if (out.length >= max) return
      out.push({ parent: x, key: k })
      walk((x as Record<string, unknown>)[k])
    }
  }
  walk(root)
  return out
}

const valueAt = (root: unknown, s: Slot): unknown =>
  s.parent === undefined ? root : (s.parent as Record<string, unknown>)[s.key]

/** Applies one mutation to a tree the caller owns (cloned); returns the new root. */
export const applyTreeMutation = (root: unknown, m: TreeMutation): unknown => {
  const all = slots(root)
  const s = all[m.at % all.length]!
  const put = (v: unknown): unknown => {
    if (s.parent === undefined) return v
    if (Array.isArray(s.parent)) s.parent[Number(s.key)] = v
    else setOwn(s.parent as Record<string, unknown>, s.key, v)
    return root
  }
  switch (m.op) {
    case 'replace':
      return put(cloneData(m.with))
    case 'copy':
      return put(cloneData(valueAt(root, all[m.from % all.length]!)))
    case 'delete':
      if (s.parent === undefined) return undefined
      if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1)
      else delete s.parent[s.key]
      return root
    case 'add': {
      const target = valueAt(root, s)
      if (Array.isArray(target)) target.push(cloneData(m.with))
      else if (isContainer(target)) setOwn(target as Record<string, unknown>, m.key, cloneData(m.with))
      else return put([target, cloneData(m.with)])
      return root
    }
  }
}
