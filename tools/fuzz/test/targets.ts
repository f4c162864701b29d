// Targets with known faults, for the harness's own tests: each must be caught as what it is.
import * as fc from 'fast-check'
import type { Target } from '../target.ts'

const one = fc.constant(new Uint8Array([1]))
const base = { kind: 'bytes' as const, seeds: () => [], arbitrary: one }
const retained: number[][] = []
const cpuMs = () => {
  const u = process.threadCpuUsage()
  return (u.user + u.system) / 1000
}
/** Burns this thread's CPU time (not wall time: the machine may be busy with others). */
const spin = (ms: number) => {
  const until = cpuMs() + ms
  while (cpuMs() < until) {}
}

export const TARGETS: readonly Target<Uint8Array>[] = [
  { ...base, name: 'throws', about: 'a TypeError on every input', run: () => [].map.call(null, String) },
  {
    ...base,
    name: 'typed',
    about: 'throws what it declares typed',
    run: () => {
      throw new RangeError('typed')
    },
    typed: (e) => e instanceof RangeError,
  },
  { ...base, name: 'slow', about: 'spends 30 ms a call', run: () => spin(30), boundMs: 10 },
  {
    ...base,
    name: 'leaks',
    about: 'keeps 16 KiB per input',
    run: () => void retained.push(new Array(2048).fill(retained.length)),
  },
  {
    ...base,
    name: 'unhandled',
    about: 'leaves a rejected promise behind',
    run: () => void Promise.reject(new Error('lost')),
  },
  { ...base, name: 'hangs', about: 'never returns', run: () => spin(1e9) },
  {
    ...base,
    name: 'fine',
    about: 'returns a typed rejection',
    run: () => ({ ok: false, error: { code: 'x' } }),
  },
]
