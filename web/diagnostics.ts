// What this browser can do, measured rather than assumed: the Node screen's diagnostics panel.
export type Capability = 'sharedworker' | 'webrtc' | 'opfs-sync' | 'ed25519' | 'persist'

export type Diagnostics = Record<Capability, boolean>

const opfsSyncInWorker = (): Promise<boolean> =>
  new Promise((resolve) => {
    try {
      const w = new Worker(new URL('./opfs-probe.ts', import.meta.url), { type: 'module' })
      const done = (ok: boolean) => {
        resolve(ok)
        w.terminate()
      }
      w.onmessage = (e) => done(e.data === true)
      w.onerror = () => done(false)
      setTimeout(() => done(false), 5000)
    } catch {
      resolve(false)
    }
  })

const ed25519 = async (): Promise<boolean> => {
  try {
    const k = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair
    const msg = new Uint8Array([1, 2, 3])
    const sig = await crypto.subtle.sign('Ed25519', k.privateKey, msg)
    return await crypto.subtle.verify('Ed25519', k.publicKey, sig, msg)
  } catch {
    return false
  }
}

export const runDiagnostics = async (): Promise<Diagnostics> => ({
  sharedworker: typeof SharedWorker !== 'undefined',
  webrtc: typeof RTCPeerConnection !== 'undefined',
  'opfs-sync': await opfsSyncInWorker(),
  ed25519: await ed25519(),
  persist: typeof navigator.storage?.persist === 'function',
})
