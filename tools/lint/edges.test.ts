// Clean edges between folders (docs/runtime.md, Edges and purity): the folder graph of shared/,
// worker/ and web/ (each file's relative imports, tests included, grouped by their first two path
// levels) has no cycle, shared/ imports nothing outside it, and worker/core imports no service.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { importsOf, sources } from './import-graph.ts'

const folderOf = (file: string): string => {
  const parts = file.split('/')
  return parts[0] === 'web' ? 'web' : parts.slice(0, 2).join('/')
}

/** folder -> the folders its files import from. */
const folderGraph = (): Map<string, Set<string>> => {
  const graph = new Map<string, Set<string>>()
  for (const file of ['shared', 'worker', 'web'].flatMap(sources)) {
    const from = folderOf(file)
    for (const imported of importsOf(file)) {
      const to = folderOf(imported)
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to))
    }
  }
  return graph
}

/** A cycle through the graph, as the folders on it, or undefined. */
const findCycle = (graph: Map<string, Set<string>>): string[] | undefined => {
  const done = new Set<string>()
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node]
    if (done.has(node)) return undefined
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next, [...path, node])
      if (cycle) return cycle
    }
    done.add(node)
    return undefined
  }
  for (const node of graph.keys()) {
    const cycle = visit(node, [])
    if (cycle) return cycle
  }
  return undefined
}

test('the cycle finder finds a cycle and passes a chain', () => {
  const g = (edges: Array<[string, string]>) => {
    const m = new Map<string, Set<string>>()
    for (const [a, b] of edges) m.set(a, (m.get(a) ?? new Set()).add(b))
    return m
  }
  assert.deepEqual(
    findCycle(
      g([
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ]),
    ),
    ['a', 'b', 'c', 'a'],
  )
  assert.equal(
    findCycle(
      g([
        ['a', 'b'],
        ['a', 'c'],
        ['b', 'c'],
      ]),
    ),
    undefined,
  )
})

test('no folder cycles; shared/ stays inside; worker/core imports no service', () => {
  const graph = folderGraph()
  assert.ok(graph.get('worker/app')?.has('worker/core'), 'the graph was read')
  assert.equal(findCycle(graph), undefined)
  for (const [from, tos] of graph)
    if (from.startsWith('shared/'))
      for (const to of tos) assert.ok(to.startsWith('shared/'), `${from} imports ${to}`)
  assert.ok(!graph.get('shared/node')?.has('shared/sim'), 'shared/node imports shared/sim')
  const services = ['worker/app', 'worker/node', 'worker/wallet', 'worker/mining', 'worker/storage']
  for (const s of services) assert.ok(!graph.get('worker/core')?.has(s), `worker/core imports ${s}`)
})
