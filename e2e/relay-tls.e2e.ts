// A browser on an HTTPS page reaches the relay over wss:// (issue 20): the relay serves the
// PWA with --tls-cert/--tls-key, Chromium trusts exactly the test's self-signed certificate
// (by its SPKI hash, nothing else is relaxed), and the node comes online through a /tls/ws
// address from /bootstrap. Plain ws:// would be refused as mixed content on this page.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium, expect, test } from '@playwright/test'
import { selfSignedCert } from '../relay/testing/cert.ts'
import { CHROMIUM_ARGS, findChromium } from '../tools/chromium.ts'

const PORT = Number(process.env.E2E_TLS_PORT ?? 8410)

test('an HTTPS page connects to the relay over wss://', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'watt-tls-e2e-'))
  const cert = selfSignedCert(dir)
  writeFileSync(path.join(dir, 'c.pem'), cert.cert)
  writeFileSync(path.join(dir, 'k.pem'), cert.key, { mode: 0o600 })
  const args = ['relay/main.ts', '--port', String(PORT), '--static', 'dist', '--network', 'e2e-tls']
  const relay: ChildProcess = spawn(
    process.execPath,
    [...args, '--tls-cert', path.join(dir, 'c.pem'), '--tls-key', path.join(dir, 'k.pem')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let out = ''
  relay.stdout?.on('data', (c: Buffer) => {
    out += c.toString()
  })
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${cert.spki}`],
  })
  try {
    await expect.poll(() => out, { timeout: 60_000 }).toContain('WATT relay listening on https://')
    expect(out).toMatch(/\/tcp\/\d+\/tls\/ws\/p2p\//)
    const page = await browser.newPage()
    await page.goto(`https://127.0.0.1:${PORT}/`)
    await expect(page.getByTestId('node-status')).toHaveText('online', { timeout: 120_000 })
    const health = await page.evaluate(async () => (await fetch('/health')).json())
    expect(health.connections).toBeGreaterThanOrEqual(1)
    // the WebSocket may live in the SharedWorker, where the page does not see it: ask the relay
    const m = await page.evaluate(async () => (await fetch('/metrics')).text())
    expect(m).toMatch(/watt_relay_connections\{transport="wss",direction="inbound"\} [1-9]/)
  } finally {
    await browser.close()
    relay.kill('SIGTERM')
    rmSync(dir, { recursive: true, force: true })
  }
})
