// The fetch plan: tasks split in contiguous runs (10 tasks over 3 servers: 3, 3, 4 by hand), a
// server out of work steals the last task of the longest queue, a task given back is taken next by
// anyone, and a dropped server takes nothing while its untaken tasks go to the others; no task is
// lost or given twice.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createFetchPlan } from './fetch-plan.ts'

const tasks = Array.from({ length: 10 }, (_, i) => i)

test('contiguous runs first, then stealing from the longest queue', () => {
  const plan = createFetchPlan(tasks, ['a', 'b', 'c'])
  assert.deepEqual([plan.take('a'), plan.take('b'), plan.take('c')], [0, 3, 6])
  assert.equal(plan.untaken(), 7)
  // a drains its own run (1, 2), then steals from c's tail (c's queue 7, 8, 9 is the longest)
  assert.deepEqual([plan.take('a'), plan.take('a'), plan.take('a')], [1, 2, 9])
  assert.equal(plan.take('x'), undefined, 'a stranger takes nothing')
})

test('a given-back task goes first; a dropped server takes nothing and hands its queue on', () => {
  const plan = createFetchPlan(tasks, ['a', 'b'])
  const t = plan.take('a')!
  plan.giveBack(t)
  assert.equal(plan.take('b'), 0, 'the given-back task is taken first, by anyone')
  plan.drop('a')
  assert.ok(plan.isDropped('a'))
  assert.equal(plan.take('a'), undefined)
  assert.deepEqual(plan.live(), ['b'])
  const rest: number[] = []
  for (let x = plan.take('b'); x !== undefined; x = plan.take('b')) rest.push(x)
  assert.deepEqual(
    [0, ...rest].sort((x, y) => x - y),
    tasks,
    'every task once',
  )
  assert.equal(plan.untaken(), 0)
})
