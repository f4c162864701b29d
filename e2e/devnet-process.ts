// Starts a devnet (tools/start.ts) as its own process, as a user would, and reads its
// one-time validator links from its output; the relay then never shares an event loop with
// the test runner.
import { type ChildProcess, spawn } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { type BrowserContext, test } from '@playwright/test'

export interface DevnetProcess {
  url: string
  links: string[]
  validatorAddresses: string[]
  /** The genesis seed accounts and their recovery phrases, as `Seed account` lines print them. */
  seeds: { address: string; phrase: string }[]
  stop(): Promise<void>
}

export const spawnDevnet = (args: string[], logFile = process.env.E2E_RELAY_LOG): Promise<DevnetProcess> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ['tools/start.ts', '--no-build', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    const links: string[] = []
    let validatorAddresses: string[] = []
    const seeds: { address: string; phrase: string }[] = []
    let url = ''
    let headless = false
    const timer = setTimeout(() => reject(new Error(`devnet did not start:\n${out}`)), 180_000)
    const onLine = (line: string) => {
      if (logFile) appendFileSync(logFile, `${line}\n`)
      const up = /open (http:\/\/\S+)/.exec(line)
      if (up) url = up[1]!
      const link = /^\s+(http:\/\/\S+#enroll=\S+)/.exec(line)
      if (link) links.push(link[1]!)
      const vs = /^Validators: (.*)$/.exec(line)
      if (vs) validatorAddresses = vs[1]!.trim().split(/\s+/)
      const seed = /^Seed account (\S+): (.+)$/.exec(line)
      if (seed) seeds.push({ address: seed[1]!, phrase: seed[2]!.trim() })
      if (/headless validator\(s\) running/.test(line)) headless = true
    }
    const feed = (chunk: Buffer) => {
      out += chunk.toString()
      const lines = out.split('\n')
      out = lines.pop() ?? ''
      for (const l of lines) onLine(l)
      if (url && (links.length > 0 || headless) && validatorAddresses.length > 0) {
        clearTimeout(timer)
        setTimeout(
          () =>
            resolve({
              url,
              links,
              validatorAddresses,
              seeds,
              stop: () =>
                new Promise<void>((done) => {
                  child.once('exit', () => done())
                  child.kill('SIGTERM')
                }),
            }),
          200,
        )
      }
    }
    child.stdout!.on('data', feed)
    child.stderr!.on('data', (c: Buffer) => logFile && appendFileSync(logFile, c.toString()))
    child.once('exit', (code) => reject(new Error(`devnet exited ${code}:\n${out}`)))
  })

/**
 * A test file's devnet: spawned before its tests, stopped after them, and the browser contexts the
 * file hands to `track` closed first.
 */
export const useDevnet = (args: string[]) => {
  let devnet: DevnetProcess | undefined
  const contexts = new Set<BrowserContext>()
  test.beforeAll(async () => {
    devnet = await spawnDevnet(args)
  })
  test.afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {})
    await devnet?.stop()
  })
  return {
    get devnet(): DevnetProcess {
      if (!devnet) throw new Error('the devnet has not started')
      return devnet
    },
    track<T extends BrowserContext>(context: T): T {
      contexts.add(context)
      return context
    },
  }
}
