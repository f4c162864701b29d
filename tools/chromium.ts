// Finds the Chromium the browser tests drive: $CHROMIUM_PATH, then Debian's /usr/bin/chromium.
// With `--ensure`, when none is found and this is Debian as root, installs the `chromium`
// package (the only browser source allowed: no downloads of browser builds); otherwise it
// stops with one line saying what to install.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser']

export const findChromium = (): string | undefined => {
  const env = process.env.CHROMIUM_PATH
  if (env) return existsSync(env) ? env : undefined
  return CANDIDATES.find((p) => existsSync(p))
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
]

const isDebianRoot = () => process.getuid?.() === 0 && existsSync('/etc/debian_version')

export const ensureChromium = (): string => {
  const found = findChromium()
  if (found) return found
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist; point it at a Chromium binary.`)
    process.exit(1)
  }
  if (!isDebianRoot()) {
    console.error(
      'No Chromium found: install Debian\'s "chromium" package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
  console.log("Installing Debian's chromium package (apt-get install -y chromium)...")
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  })
  const installed = findChromium()
  if (!installed) {
    console.error('apt-get finished but no Chromium is at /usr/bin/chromium; set CHROMIUM_PATH.')
    process.exit(1)
  }
  return installed
}

if (import.meta.main) {
  const path = process.argv.includes('--ensure') ? ensureChromium() : findChromium()
  if (!path) {
    console.error(
      'No Chromium found: run `node tools/chromium.ts --ensure` as root on Debian, or set CHROMIUM_PATH.',
    )
    process.exit(1)
  }
  console.log(path)
}
