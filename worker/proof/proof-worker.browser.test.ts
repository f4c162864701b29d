// The proof worker in real Chromium with real OPFS: seal a sector with visible progress, reload
// the page mid-seal and resume to the same replica (checked against Node), prove a window and the
// seal (verified in Node), then delete the replica file: the next window reports it faulty.
// Run: npx playwright test --project browser worker/proof
import { resolve } from 'node:path'
import { expect, type Page, test } from '@playwright/test'
import { loadSha256 } from '../../shared/storage/hash.ts'
import { DEFAULT_POST, sealParams } from '../../shared/storage/params.ts'
import { verifyWindow } from '../../shared/storage/post.ts'
import { verifySeal } from '../../shared/storage/seal-proof.ts'
import { commDOf, commitReplica, labelAll, replicaIdOf, xorInto } from '../../shared/storage/sealing.ts'
import { fromHex, toHex } from '../../shared/util/bytes.ts'

const ENTRY = `/@fs${resolve('worker/proof/entry.ts')}`
const SIZE = 2 << 20
const params = sealParams({ sectorSize: SIZE })
const provider = new Uint8Array(32).fill(5)
const ticket = new Uint8Array(32).fill(9)
const dataOf = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255)

/** Starts a proof worker in the page and installs `__call(req)` and a progress log. */
const startWorker = async (page: Page): Promise<void> => {
  // The dev server may reload the page once while it optimizes the worker's dependencies.
  for (let attempt = 1; ; attempt++) {
    try {
      await installWorker(page)
      const ping = await call(page, { type: 'delete', sector: 999 })
      if (ping.type === 'done') return
      throw new Error(`the proof worker did not start: ${JSON.stringify(ping.error)}`)
    } catch (e) {
      if (attempt >= 3) throw e
      // a reload that never settles is retried by navigating again, not waited on forever
      await page.waitForLoadState('load', { timeout: 15_000 }).catch(() => {})
    }
  }
}

const installWorker = async (page: Page) => {
  await page.goto('/harness.html')
  await page.evaluate((entry) => {
    const w = new Worker(entry, { type: 'module' })
    const pending = new Map<number, (e: unknown) => void>()
    const g = globalThis as unknown as Record<string, unknown>
    const progress: unknown[] = []
    g.__progress = progress
    let next = 1
    // a module that fails to load (the dev server re-optimizing) answers every pending call
    let dead = false
    w.onerror = () => {
      dead = true
      for (const settle of pending.values()) settle({ type: 'failed', error: { code: 'worker_error' } })
      pending.clear()
    }
    w.onmessage = (ev) => {
      const e = ev.data as { type: string; id: number }
      if (e.type === 'progress') progress.push(e)
      else pending.get(e.id)?.(e)
    }
    g.__call = (req: Record<string, unknown>) =>
      new Promise((res) => {
        if (dead) return res({ type: 'failed', error: { code: 'worker_error' } })
        const id = next++
        pending.set(id, res)
        const fix = (v: unknown) => (Array.isArray(v) ? new Uint8Array(v) : v)
        const msg = Object.fromEntries(Object.entries(req).map(([k, v]) => [k, fix(v)]))
        if (Array.isArray(req.sectors))
          msg.sectors = (req.sectors as Record<string, unknown>[]).map((s) => ({ ...s, commR: fix(s.commR) }))
        w.postMessage({ ...msg, id })
      })
  }, ENTRY)
}

type Done = { type: 'done' | 'failed'; result?: Record<string, unknown>; error?: { code: string } }
const call = (page: Page, req: Record<string, unknown>): Promise<Done> =>
  page.evaluate(async (r) => {
    const e = (await (globalThis as unknown as { __call: (x: unknown) => Promise<Done> }).__call(r)) as Done
    // Uint8Arrays do not survive page.evaluate: hand them back as arrays.
    const plain = (v: unknown): unknown =>
      v instanceof Uint8Array
        ? Array.from(v)
        : Array.isArray(v)
          ? v.map(plain)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
            : v
    return plain(e) as Done
  }, req)

const bytes = (u: Uint8Array) => Array.from(u)

test('seal survives a reload, proves, and a deleted replica turns faulty', async ({ page }) => {
  test.setTimeout(240_000)
  const hash = await loadSha256()
  const data = dataOf(SIZE)
  const commD = commDOf(params, data, hash)
  const replicaId = replicaIdOf({ provider, sectorNumber: 1, ticket, commD }, hash)
  const s = labelAll(params, replicaId, hash)
  const replica = data.slice()
  xorInto(replica, s.cur)
  const expected = commitReplica(params, replica, s.col, hash)

  await startWorker(page)
  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory()
    await root.removeEntry('sectors', { recursive: true }).catch(() => {})
  })
  for (let off = 0; off < SIZE; off += 1 << 20)
    expect(
      (
        await call(page, {
          type: 'write',
          sector: 1,
          offset: off,
          bytes: bytes(data.subarray(off, off + (1 << 20))),
        })
      ).type,
    ).toBe('done')

  // Start sealing, wait for layer 3, then reload the page (kills the worker mid-seal).
  void call(page, {
    type: 'seal',
    sector: 1,
    params,
    provider: bytes(provider),
    ticket: bytes(ticket),
  }).catch(() => {})
  await expect
    .poll(
      () =>
        page.evaluate(
          () => (globalThis as unknown as { __progress: { layer: number }[] }).__progress.at(-1)?.layer ?? 0,
        ),
      {
        timeout: 120_000,
      },
    )
    .toBeGreaterThanOrEqual(3)
  await page.reload()
  await startWorker(page)
  const t0 = Date.now()
  const sealed = await call(page, {
    type: 'seal',
    sector: 1,
    params,
    provider: bytes(provider),
    ticket: bytes(ticket),
  })
  const resumeMs = Date.now() - t0
  expect(sealed.type).toBe('done')
  const info = sealed.result!.info as Record<string, string>
  const resumedFrom = sealed.result!.resumedFromLayer as number
  console.log(`resumed from layer ${resumedFrom}; rest of the seal took ${resumeMs} ms`)
  expect(resumedFrom).toBeGreaterThanOrEqual(2)
  expect(info.commR).toBe(toHex(expected.commR))
  const progress = await page.evaluate(
    () => (globalThis as unknown as { __progress: unknown[] }).__progress.length,
  )
  expect(progress).toBeGreaterThan(0)

  const sector = { sector: 1, sectorSize: SIZE, commR: bytes(expected.commR) }
  const pubSector = { sectorNumber: 1, sectorSize: SIZE, commR: expected.commR }
  const win = { randomness: new Uint8Array(32).fill(1), prevDigest: new Uint8Array(32).fill(2) }
  const post = await call(page, {
    type: 'window-post',
    randomness: bytes(win.randomness),
    prevDigest: bytes(win.prevDigest),
    sectors: [sector],
  })
  expect(post.result!.faulty).toEqual([])
  expect(
    verifyWindow(DEFAULT_POST, win, [pubSector], Uint8Array.from(post.result!.proof as number[]), hash),
  ).toBe(true)

  const seed = new Uint8Array(32).fill(3)
  const sp = await call(page, { type: 'seal-proof', sector: 1, seed: bytes(seed) })
  const pub = { replicaId: fromHex(info.replicaId!), commD, commR: expected.commR, seed }
  expect(verifySeal(params, pub, Uint8Array.from(sp.result!.proof as number[]), hash)).toBe(true)

  const back = await call(page, { type: 'unseal', sector: 1, offset: 4096, length: 1000 })
  expect(back.result!.bytes).toEqual(bytes(data.subarray(4096, 5096)))

  await page.evaluate(async () => {
    const root = await navigator.storage.getDirectory()
    const dir = await (await root.getDirectoryHandle('sectors')).getDirectoryHandle('s1')
    await dir.removeEntry('replica.bin')
  })
  const faulty = await call(page, {
    type: 'window-post',
    randomness: bytes(win.randomness),
    prevDigest: bytes(win.prevDigest),
    sectors: [sector],
  })
  expect((faulty.result!.faulty as { error: { code: string } }[]).map((f) => f.error.code)).toEqual([
    'missing_sector',
  ])
})

test('browser sealing speed (1 MiB sector, default layers)', async ({ page }) => {
  test.setTimeout(300_000)
  await startWorker(page)
  const p1 = sealParams({ sectorSize: 1 << 20 })
  await call(page, { type: 'delete', sector: 2 })
  await call(page, { type: 'write', sector: 2, offset: 0, bytes: bytes(dataOf(1 << 20)) })
  const t0 = Date.now()
  const r = await call(page, {
    type: 'seal',
    sector: 2,
    params: p1,
    provider: bytes(provider),
    ticket: bytes(ticket),
  })
  const ms = Date.now() - t0
  expect(r.type).toBe('done')
  console.log(`browser proof worker: sealed 1 MiB in ${ms} ms (${p1.layers} layers, incl. OPFS writes)`)
  await call(page, { type: 'delete', sector: 2 })
  // Which synchronous SHA-256 is faster in Chromium, on label-sized and Merkle-sized inputs?
  const rates = await page.evaluate(
    async (mod) => {
      const { loadSha256, noble256 } = (await import(mod)) as typeof import('../../shared/storage/hash.ts')
      const wasm = await loadSha256()
      const rate = (h: (b: Uint8Array) => Uint8Array, size: number) => {
        const buf = new Uint8Array(size)
        const n = 20_000
        const t = performance.now()
        for (let i = 0; i < n; i++) h(buf)
        return Math.round(n / ((performance.now() - t) / 1000))
      }
      return {
        wasm488: rate(wasm, 488),
        noble488: rate(noble256, 488),
        wasm64: rate(wasm, 64),
        noble64: rate(noble256, 64),
      }
    },
    `/@fs${resolve('shared/storage/hash.ts')}`,
  )
  console.log(`chromium SHA-256 hashes/s: ${JSON.stringify(rates)}`)
  expect(rates.wasm488).toBeGreaterThan(0)
})
