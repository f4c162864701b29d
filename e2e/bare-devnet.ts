// A devnet in this test process for a spec that needs no validator tab: the relay and the PWA on
// `port`, ledgers closed every second, a day of 24 h. Started once before the spec's tests and
// stopped after them (the tests of a file share it).
import { test } from '@playwright/test'
import { type Devnet, startDevnet } from '../tools/devnet.ts'

export const useBareDevnet = (port: number, network: string): { readonly devnet: Devnet } => {
  let devnet: Devnet | undefined
  test.beforeAll(async () => {
    devnet = await startDevnet({
      port,
      host: '127.0.0.1',
      network,
      validators: 0,
      closeIntervalMs: 1000,
      dayLengthMs: 86_400_000,
      staticDir: 'dist',
      log: () => {},
    })
  })
  test.afterAll(async () => {
    await devnet?.stop()
  })
  return {
    get devnet() {
      if (!devnet) throw new Error('the devnet starts before the tests')
      return devnet
    },
  }
}
