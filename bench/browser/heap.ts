// The JS heap of a WATT node's core, read over the Chrome DevTools Protocol: Playwright exposes no
// SharedWorker, so a browser-level CDP session finds the `shared_worker` target of the page's
// browser context, attaches to it (non-flat session: commands travel in
// Target.sendMessageToTarget) and asks Runtime.getHeapUsage, whose `usedSize` is the V8 heap and
// `backingStorageSize` the ArrayBuffer bytes (block data lives there); HeapProfiler.collectGarbage
// gives the live figure. The page itself (the libp2p host) is read through its own CDP session.
import type { Browser, CDPSession, Page } from '@playwright/test'

export interface HeapUsage {
  readonly usedSize: number
  readonly backingStorageSize: number
}

export interface HeapProbe {
  /** JS heap plus ArrayBuffer bytes, after a full GC when `gc`. */
  bytes(gc: boolean): Promise<number>
}

const sum = (h: HeapUsage) => h.usedSize + (h.backingStorageSize ?? 0)

/** The heap of the page's main thread. */
export const pageHeap = async (page: Page): Promise<HeapProbe> => {
  const s = await page.context().newCDPSession(page)
  return {
    async bytes(gc) {
      if (gc) await s.send('HeapProfiler.collectGarbage')
      return sum((await s.send('Runtime.getHeapUsage')) as HeapUsage)
    },
  }
}

/** Sends commands to an attached (non-flat) target session and resolves their results. */
const targetCaller = (bs: CDPSession, sessionId: string) => {
  const pending = new Map<number, (result: unknown) => void>()
  let next = 1
  bs.on('Target.receivedMessageFromTarget', (m) => {
    if (m.sessionId !== sessionId) return
    const msg = JSON.parse(m.message) as { id?: number; result?: unknown; error?: unknown }
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? msg.error)
  })
  return (method: string): Promise<unknown> =>
    new Promise((resolve) => {
      const id = next++
      pending.set(id, resolve)
      void bs.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) })
    })
}

/** The heap of the SharedWorker core in the page's browser context. */
export const coreWorkerHeap = async (browser: Browser, page: Page): Promise<HeapProbe> => {
  const own = await page.context().newCDPSession(page)
  const { targetInfo } = (await own.send('Target.getTargetInfo' as never)) as {
    targetInfo: { browserContextId: string }
  }
  const bs = await browser.newBrowserCDPSession()
  const { targetInfos } = await bs.send('Target.getTargets')
  const worker = targetInfos.find(
    (t) => t.type === 'shared_worker' && t.browserContextId === targetInfo.browserContextId,
  )
  if (!worker) throw new Error('no SharedWorker core in this context')
  const { sessionId } = await bs.send('Target.attachToTarget', { targetId: worker.targetId, flatten: false })
  const call = targetCaller(bs, sessionId)
  return {
    async bytes(gc) {
      if (gc) await call('HeapProfiler.collectGarbage')
      return sum((await call('Runtime.getHeapUsage')) as HeapUsage)
    },
  }
}
