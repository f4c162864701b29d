// Host election with Web Locks: every tab asks for the same exclusive lock; the holder hosts
// the node's networking until it closes, then the browser grants the lock to the next tab.
export const HOST_LOCK = 'watt-network-host'

/** Resolves `onElected` when this tab becomes host; the lock is held until the page goes away. */
export const joinHostElection = (onElected: () => Promise<void> | void): void => {
  if (!('locks' in navigator)) {
    // without Web Locks every tab would host; hosting from the first tab only is the safe fallback
    void onElected()
    return
  }
  void navigator.locks.request(HOST_LOCK, async () => {
    await onElected()
    await new Promise<never>(() => {}) // hold until the page unloads
  })
}
