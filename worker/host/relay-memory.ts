// The network host's memory of the relay that last answered (worker/core/relay-order.ts tries
// it first): the page's localStorage, absent in private modes and workers, where it is a no-op.
export const REMEMBERED_RELAY_KEY = 'watt.relay'

/** The host's memory of the relay that answered: localStorage where the page has it. */
export interface RelayMemory {
  get(): string | undefined
  set(peerId: string): void
}

export const localRelayMemory = (): RelayMemory => {
  const store = (globalThis as { localStorage?: Storage }).localStorage
  return {
    get: () => {
      try {
        return store?.getItem(REMEMBERED_RELAY_KEY) ?? undefined
      } catch {
        return undefined
      }
    },
    set: (peerId) => {
      try {
        store?.setItem(REMEMBERED_RELAY_KEY, peerId)
      } catch {
        // private mode or a full quota: the order then starts from the list again
      }
    },
  }
}
