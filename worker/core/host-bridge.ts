// The core's network port. Whichever tab currently hosts libp2p is attached here; while no
// host is attached (the host tab closed, another not yet elected) outbound messages wait in a
// bounded queue and are flushed to the next host. The core never knows which tab hosts.
import { type CoreToHost, type HostToCore, isHostToCore } from './host-protocol.ts'

export interface HostBridgeInit {
  /** Outbound messages kept while no host is attached; the oldest are dropped beyond it. */
  maxQueued?: number
  /** A host silent for this long counts as gone for status; its port stays until another host attaches. */
  hostTimeoutMs?: number
  now: () => number
}

export interface HostBridge {
  attach(port: MessagePort, start: CoreToHost & { type: 'start' }): void
  send(msg: Exclude<CoreToHost, { type: 'start' }>): void
  onEvent(listener: (msg: HostToCore) => void): void
  hasHost(): boolean
  /** Re-evaluates whether the host is answering; call periodically. */
  check(): void
  stats(): { queued: number; dropped: number; attaches: number }
}

export const createHostBridge = (init: HostBridgeInit): HostBridge => {
  const maxQueued = init.maxQueued ?? 512
  const timeout = init.hostTimeoutMs ?? 4000
  let host: MessagePort | undefined
  let lastAlive = 0
  let silent = false
  let dropped = 0
  let attaches = 0
  const queue: Array<Exclude<CoreToHost, { type: 'start' }>> = []
  const listeners: Array<(m: HostToCore) => void> = []

  const post = (port: MessagePort, msg: CoreToHost) => {
    try {
      port.postMessage(msg)
      return true
    } catch {
      return false
    }
  }

  const detach = () => {
    host?.close()
    host = undefined
  }

  return {
    attach(port, start) {
      detach()
      attaches++
      host = port
      lastAlive = init.now()
      silent = false
      port.onmessage = (e) => {
        if (port !== host) return
        const msg: unknown = e.data
        if (!isHostToCore(msg)) return
        lastAlive = init.now()
        silent = false
        for (const l of listeners) l(msg)
      }
      post(port, start)
      while (queue.length > 0) post(port, queue.shift()!)
    },
    send(msg) {
      if (host && post(host, msg)) return
      queue.push(msg)
      if (queue.length > maxQueued) {
        queue.shift()
        dropped++
      }
    },
    onEvent(listener) {
      listeners.push(listener)
    },
    // a busy host tab can fall silent for seconds (throttled timers, long tasks): it counts as
    // gone for status, but its port is kept — the tab still holds the host lock, and only a new
    // host's attach (after the tab really closed) replaces it
    hasHost: () => host !== undefined && !silent,
    check() {
      if (host && init.now() - lastAlive > timeout) silent = true
    },
    stats: () => ({ queued: queue.length, dropped, attaches }),
  }
}
