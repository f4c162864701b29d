// Runs in a throwaway dedicated worker: can this browser open an OPFS sync access handle?
const probe = async (): Promise<boolean> => {
  try {
    const root = await navigator.storage.getDirectory()
    const file = await root.getFileHandle('.watt-probe', { create: true })
    const handle = await (
      file as unknown as { createSyncAccessHandle(): Promise<{ close(): void }> }
    ).createSyncAccessHandle()
    handle.close()
    await root.removeEntry('.watt-probe')
    return true
  } catch {
    return false
  }
}
void probe().then((ok) => postMessage(ok))
