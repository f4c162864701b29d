// The built PWA under the relay's security headers (issue 12): every screen loads with no
// Content-Security-Policy violation, the node comes online (SharedWorker, WebSocket to the
// relay), WebAssembly compiles from bytes as hash-wasm does, the service worker installs and an
// offline reload still shows the app; the production build carries no source maps.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { type ConsoleMessage, expect, test } from '@playwright/test'

const CSP_MESSAGE =
  /Content Security Policy|CSP-VIOLATION|Refused to (load|execute|connect|create|apply|frame)/i

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)],
  )

test('the production build has no source maps and no sourceMappingURL comments', () => {
  const files = filesUnder('dist')
  expect(files.some((f) => f.endsWith('index.html'))).toBe(true)
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([])
  const textual = files.filter((f) => /\.(js|mjs|css|html)$/.test(f))
  expect(textual.filter((f) => readFileSync(f, 'utf8').includes('sourceMappingURL'))).toEqual([])
})

test('the PWA runs under the CSP with no violation, installs its service worker and reloads offline', async ({
  browser,
}) => {
  const context = await browser.newContext()
  // violations in the page (and its dedicated workers' console) end up in `reported`
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI}`),
    )
  })
  const reported: string[] = []
  const watch = (m: ConsoleMessage) => {
    if (CSP_MESSAGE.test(m.text())) reported.push(m.text())
  }
  try {
    const page = await context.newPage()
    page.on('console', watch)
    const res = await page.goto('/')
    const headers = res?.headers() ?? {}
    expect(headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'")
    expect(headers['x-frame-options']).toBe('DENY')
    await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
    const peerId = (await page.getByTestId('node-peer-id').textContent()) ?? ''
    // WebAssembly compiled from bytes, as hash-wasm does (which falls back to JS silently when
    // refused): in the page, its dedicated workers and the service worker, each under the policy
    // its own script was served with
    const compileWasm = async () =>
      (await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))) instanceof WebAssembly.Module
    expect(await page.evaluate(compileWasm)).toBe(true)
    await expect.poll(() => page.workers().length).toBeGreaterThan(0)
    for (const w of page.workers()) expect(await w.evaluate(compileWasm)).toBe(true)
    for (const tab of ['wallet', 'mine', 'storage', 'sim', 'node']) {
      await page.getByTestId(`tab-${tab}`).click()
      await page.waitForTimeout(500)
    }
    await expect
      .poll(
        () =>
          page.evaluate(
            async () => (await navigator.serviceWorker.getRegistration())?.active?.state ?? 'none',
          ),
        { timeout: 60_000 },
      )
      .toBe('activated')
    for (const w of context.serviceWorkers()) expect(await w.evaluate(compileWasm)).toBe(true)
    expect(context.serviceWorkers().length).toBe(1)
    await context.setOffline(true)
    await page.reload()
    await expect(page.getByTestId('node-peer-id')).toHaveText(peerId)
    await page.getByTestId('tab-wallet').click()
    expect(reported).toEqual([])

    // the control: an inline script is refused, and the refusal is seen
    await page.evaluate(() => {
      const s = document.createElement('script')
      s.textContent = 'window.inlineRan = true'
      document.body.append(s)
    })
    await expect.poll(() => reported.length).toBeGreaterThan(0)
    expect(await page.evaluate(() => (window as { inlineRan?: boolean }).inlineRan ?? false)).toBe(false)
    await context.setOffline(false)
  } finally {
    await context.close()
  }
})
