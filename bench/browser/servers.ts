// The servers a browser benchmark needs, started and stopped by the benchmark itself: the relay
// serving the built PWA (built first when dist/ is missing), and the Vite dev server rooted at
// web/ whose `/@fs/<absolute path>` URLs load any repo module into a page or worker.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

/** A free TCP port on 127.0.0.1. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))))
    })
  })

/** Builds the PWA into dist/ unless it is already there. */
export const ensureDist = (): void => {
  if (existsSync('dist/index.html')) return
  console.log('bench: dist/ missing, running `npm run build`')
  execFileSync('npm', ['run', 'build'], { stdio: 'inherit' })
}

const waitForUrl = async (url: string, timeoutMs: number): Promise<void> => {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const ok = await fetch(url)
      .then((r) => r.ok)
      .catch(() => false)
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`bench: ${url} did not answer within ${timeoutMs} ms`)
}

export interface DevServer {
  readonly url: string
  stop(): void
}

/** Starts `vite` (root web/, fs.allow '..') on a free port and waits until it serves. */
export const startViteDevServer = async (): Promise<DevServer> => {
  const port = await freePort()
  const child: ChildProcess = spawn(
    'npx',
    ['vite', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  )
  const url = `http://127.0.0.1:${port}`
  const stop = () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM')
  }
  try {
    await waitForUrl(`${url}/harness.html`, 90_000)
  } catch (e) {
    stop()
    throw e
  }
  return { url, stop }
}
