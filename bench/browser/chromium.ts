// Launches the Chromium the benchmarks drive (the same binary and flags as the browser tests)
// and stops with one clear line when none is installed.
import { type Browser, chromium } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from '../../tools/chromium.ts'

export const launchChromium = async (): Promise<Browser> => {
  const executablePath = findChromium()
  if (!executablePath) {
    console.error('No Chromium: install Debian\'s "chromium" package or set CHROMIUM_PATH.')
    process.exit(2)
  }
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS })
}
