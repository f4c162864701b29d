// The fuzz harness: it catches each kind of fault in targets built to have it (tools/fuzz/test/),
// its mutations do what they say on hand-worked bytes, inputs replay from (seed, index), and a
// short seeded run of every real target (part of `npm test`) finds no crash, slow input or leak.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { inputAt } from './generate.ts'
import { runTarget, type TargetReport } from './harness.ts'
import { runIsolated } from './isolate.ts'
import { allocate, parseFuzzArgs } from './main.ts'
import { applyByteMutation, cborHeads } from './mutate.ts'
import { applyTreeMutation } from './data.ts'
import { TARGETS } from './targets.ts'
import { TARGETS as FAULTY } from './test/targets.ts'

const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31))
console.log(`fuzz tests seed=${seed} (replay with SEED=${seed})`)
const INPUTS_PER_TARGET = 500

const faulty = (name: string) => FAULTY.find((t) => t.name === name)!
const run = (name: string, inputs = 20) => runTarget(faulty(name), { seed, inputs })

test('a throw, a slow input and a leak are each caught; typed throws are not', async () => {
  const thrown = await run('throws')
  assert.equal(thrown.crashes, 20)
  assert.match(thrown.findings[0]!.message, /TypeError/)
  assert.equal(thrown.findings[0]!.input, '01')
  assert.equal((await run('typed')).crashes, 0)
  assert.equal((await run('typed')).rejected, 20)
  const slow = await run('slow', 3)
  assert.deepEqual([slow.slow, slow.crashes], [3, 0])
  assert.equal((await run('leaks', 1000)).leaks, 1, '16 KiB kept per input is a leak')
  assert.equal((await run('fine', 1000)).leaks, 0)
})

const module = new URL('./test/targets.ts', import.meta.url).href

test('an unhandled rejection is charged to its input (in a worker: node:test claims them in-process)', async () => {
  const lost = await runIsolated(faulty('unhandled'), module, { seed, inputs: 5, hangMs: 10_000 })
  assert.equal(lost.crashes, 5)
  assert.match(lost.findings[0]!.message, /lost/)
})

test('a hanging input is cut off by the watchdog and named by its index', async () => {
  const r: TargetReport = await runIsolated(faulty('hangs'), module, { seed, inputs: 5, hangMs: 300 })
  assert.equal(r.findings[0]?.kind, 'hang')
  assert.equal(r.findings[0]?.index, 0)
  assert.equal(r.findings[0]?.input, '01')
})

test('CBOR heads and head edits on hand-worked bytes', () => {
  // [1, "ab"] = 82 01 62 61 62: an array of 2, the int 1, a 2-byte text string
  const b = new Uint8Array([0x82, 0x01, 0x62, 0x61, 0x62])
  assert.deepEqual(
    cborHeads(b).map((h) => [h.at, h.major, h.arg]),
    [
      [0, 4, 2n],
      [1, 0, 1n],
      [2, 3, 2n],
    ],
  )
  const edit = (which: number, arg: bigint | 'inc' | 'dec', major?: number) => [
    ...applyByteMutation(b, { op: 'head', which, arg, ...(major === undefined ? {} : { major }) }, []),
  ]
  assert.deepEqual(edit(2, 'inc'), [0x82, 0x01, 0x63, 0x61, 0x62])
  assert.deepEqual(edit(0, 300n), [0x99, 0x01, 0x2c, 0x01, 0x62, 0x61, 0x62])
  assert.deepEqual(edit(1, 'dec', 1), [0x82, 0x20, 0x62, 0x61, 0x62])
  assert.deepEqual([...applyByteMutation(b, { op: 'truncate', at: 2 }, [])], [0x82, 0x01])
  assert.deepEqual(
    [...applyByteMutation(b, { op: 'repeat', at: 3, n: 1, times: 2 }, [])],
    [0x82, 1, 0x62, 0x61, 0x61, 0x61, 0x62],
  )
})

test('mutations never write into the seed, even a Buffer (whose slice() is a view)', () => {
  const seedBytes = Buffer.from([1, 2, 3, 4])
  for (const op of ['flip', 'set', 'truncate'] as const) {
    applyByteMutation(seedBytes, { op, at: 1, bit: 0, byte: 9 } as never, [])
    assert.deepEqual([...seedBytes], [1, 2, 3, 4], op)
  }
  const tree = { a: [1, { b: 2 }] }
  const out = applyTreeMutation(structuredClone(tree), {
    op: 'add',
    at: 0,
    key: '__proto__',
    with: 5,
  }) as object
  assert.ok(Object.hasOwn(out, '__proto__'), 'a __proto__ key stays an own key')
  assert.equal(Object.getPrototypeOf(out), Object.prototype)
})

test('an input is a function of (seed, target, index)', async () => {
  for (const t of TARGETS.slice(0, 3)) {
    const seeds = await t.seeds()
    const a = [0, 1, 2, 3].map((i) => inputAt(t, seeds, seed, i))
    const b = [0, 1, 2, 3].map((i) => inputAt(t, seeds, seed, i))
    assert.deepEqual(a, b)
    assert.notDeepEqual(a[0], a[3])
  }
})

test('command line: defaults, allocation by weight, bad flags', () => {
  const a = parseFuzzArgs([])
  assert.equal(a.inputs, 100_000)
  assert.equal(a.targets.length, TARGETS.length)
  const counts = allocate(a.targets, a.inputs)
  assert.ok(counts.reduce((n, c) => n + c, 0) >= 100_000)
  assert.throws(() => parseFuzzArgs(['--target', 'nope']), /--target names one of/)
  assert.throws(() => parseFuzzArgs(['--index', '3']), /one --target/)
  assert.throws(() => parseFuzzArgs(['--target', 'tx', '--index', '3']), /of a --seed/)
  assert.throws(() => parseFuzzArgs(['--target', 'quorum-set', '--hex', '00']), /bytes target/)
  assert.equal(parseFuzzArgs(['--target', 'tx,heartbeat', '--seed', '9']).targets.length, 2)
})

test(`every target: ${INPUTS_PER_TARGET} seeded inputs, no crash, no slow input, no leak`, async () => {
  const bad: string[] = []
  for (const t of TARGETS) {
    const r = await runTarget(t, { seed, inputs: INPUTS_PER_TARGET })
    assert.ok(r.seedsAccepted > 0, `${t.name}: no seed is accepted (the corpus is broken)`)
    for (const f of r.findings)
      bad.push(
        `${f.target} ${f.kind} at input ${f.index} (${f.message}); replay: npm run fuzz -- --target ${f.target} --seed ${f.seed} --index ${f.index}`,
      )
  }
  assert.deepEqual(bad, [], `seed=${seed}`)
})
