// Browser tests: `browser` runs worker/ and web/ modules in real Chromium through the Vite dev
// server; `e2e` drives the built PWA served by a real relay process, one context per node.
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, findChromium } from './tools/chromium.ts'

export const E2E_PORT = Number(process.env.E2E_PORT ?? 8390)
export const DEV_PORT = Number(process.env.DEV_PORT ?? 5390)

export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  // a test that passed only on its retry is listed as flaky; flaky twice in a row fails the run
  reporter: [['list'], ['./tools/flaky-reporter.ts']],
  outputDir: 'test-results',
  use: {
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    viewport: { width: 390, height: 844 },
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'browser',
      testMatch: /(worker|web)\/.*\.browser\.test\.ts$/,
      testDir: '.',
      use: { baseURL: `http://127.0.0.1:${DEV_PORT}` },
    },
    {
      name: 'e2e',
      testDir: 'e2e',
      testMatch: /.*\.e2e\.ts$/,
      use: { baseURL: `http://127.0.0.1:${E2E_PORT}` },
    },
  ],
  webServer: [
    {
      // every spec's browsers share this relay from 127.0.0.1: per-IP rates far above a user's
      command: `node relay/main.ts --port ${E2E_PORT} --static dist --network e2e --requests-per-minute-per-ip 60000 --connections-per-minute-per-ip 30000`,
      url: `http://127.0.0.1:${E2E_PORT}/health`,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      timeout: 60_000,
    },
    {
      command: `npx vite --port ${DEV_PORT} --strictPort --host 127.0.0.1`,
      url: `http://127.0.0.1:${DEV_PORT}/harness.html`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
})
