// E2E helper: what a phone's storage losing a file looks like to a node.
import type { Page } from '@playwright/test'

/** Removes a sector's replica file from OPFS (retried: a window may hold its sync handle a moment). */
export const removeReplicaFile = (page: Page, sector: number) =>
  page.evaluate(async (n) => {
    const root = await navigator.storage.getDirectory()
    const dir = await (await root.getDirectoryHandle('sectors')).getDirectoryHandle(`s${n}`)
    for (let i = 0; ; i++) {
      try {
        await dir.removeEntry('replica.bin')
        return
      } catch (e) {
        if (i > 50) throw e
        await new Promise((r) => setTimeout(r, 100))
      }
    }
  }, sector)
