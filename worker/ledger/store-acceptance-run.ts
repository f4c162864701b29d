// Runs the ledger store acceptance suite inside a browser page or worker against IndexedDB and
// returns the failures (empty when all pass). The Playwright test calls it through the harness page.
import { ledgerStoreAcceptance } from '../../shared/ledger/store-acceptance.ts'
import { openIdbLedgerStore } from './idb-store.ts'

const same = (a: unknown, b: unknown): boolean => {
  if (Object.is(a, b)) return true
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    return a.length === b.length && a.every((x, i) => x === b[i])
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  return ka.length === kb.length && ka.every((k) => same(ra[k], rb[k]))
}

const show = (x: unknown) => String(typeof x === 'bigint' ? `${x}n` : x)

export const runIdbStoreAcceptance = async (): Promise<{ passed: string[]; failed: string[] }> => {
  const cases: { name: string; fn: () => Promise<void> }[] = []
  let n = 0
  const assert = {
    ok(v: unknown, m?: string) {
      if (!v) throw new Error(m ?? 'expected truthy')
    },
    equal(a: unknown, b: unknown, m?: string) {
      if (!Object.is(a, b)) throw new Error(`${m ?? 'equal'}: ${show(a)} !== ${show(b)}`)
    },
    deepEqual(a: unknown, b: unknown, m?: string) {
      if (!same(a, b)) throw new Error(`${m ?? 'deepEqual'} failed`)
    },
  }
  ledgerStoreAcceptance(
    'idb store',
    () => openIdbLedgerStore(`watt-ledger-acceptance-${Date.now()}-${n++}`),
    { test: (name, fn) => cases.push({ name, fn }), assert },
  )
  const passed: string[] = []
  const failed: string[] = []
  for (const c of cases) {
    try {
      await c.fn()
      passed.push(c.name)
    } catch (e) {
      failed.push(`${c.name}: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  return { passed, failed }
}
