// Dedicated-worker entry for the browser ledger benchmark: WebCrypto Ed25519 keys and verification,
// IndexedDB store. Posts the result (or an error string) back to the page.
import type { PublicKey, Signature, Signer } from '../../shared/crypto/signer.ts'
import { createWebCryptoVerifier } from '../crypto/webcrypto-verifier.ts'
import { type BenchOptions, runLedgerBench } from './ledger-bench.ts'
import { openIdbLedgerStore } from './idb-store.ts'

const makeSigner = async (): Promise<Signer> => {
  const pair = (await crypto.subtle.generateKey('Ed25519', true, ['sign', 'verify'])) as CryptoKeyPair
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)) as PublicKey
  return {
    publicKey,
    sign: async (m) =>
      new Uint8Array(
        await crypto.subtle.sign('Ed25519', pair.privateKey, m as Uint8Array<ArrayBuffer>),
      ) as Signature,
  }
}

addEventListener('message', async (e: MessageEvent<BenchOptions>) => {
  try {
    const store = await openIdbLedgerStore(`watt-ledger-bench-${Date.now()}`)
    const result = await runLedgerBench(
      {
        makeSigner,
        randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
        verifier: await createWebCryptoVerifier(),
        store,
        now: () => performance.now(),
      },
      e.data,
    )
    await store.close()
    postMessage({ ok: true, result, userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency })
  } catch (err) {
    postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) })
  }
})
