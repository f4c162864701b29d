// A test certificate for the relay's TLS tests (Node and Chromium), kept apart from the
// libp2p helpers so that a Playwright spec can import it alone.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made by openssl (Debian's
 * ca-certificates depends on it, so every machine that can `npm install` has it); its SPKI
 * hash lets a test's Chromium trust exactly this certificate.
 */
export const selfSignedCert = (dir: string): { cert: string; key: string; spki: string } => {
  const keyFile = `${dir}/key.pem`
  const certFile = `${dir}/cert.pem`
  const run = (args: string[], input?: Buffer) => {
    const r = spawnSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] })
    if (r.error) throw new Error(`openssl is needed to make the test certificate: ${r.error.message}`)
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr.toString()}`)
    return r.stdout
  }
  run([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ])
  const pub = run(['x509', '-in', certFile, '-pubkey', '-noout'])
  const der = run(['pkey', '-pubin', '-outform', 'der'], pub)
  const spki = createHash('sha256').update(der).digest('base64')
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), spki }
}
