// Headers on every HTTP response of the relay. The Content-Security-Policy allows what the
// PWA needs and nothing else: its own scripts, styles, workers and service worker; WebAssembly
// compiled from bytes ('wasm-unsafe-eval': hash-wasm); fetches to its own origin and WebSockets
// to relays, whose addresses it learns at run time from /bootstrap (and the service worker
// keeps serving this policy from its cache after a relay moves to another port, so the policy
// names the ws:/wss: schemes, not one host and port); images from itself, data: and blob:.
// Workers and the service worker get the same policy with their scripts.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self' ws: wss: blob:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  // for browsers that predate frame-ancestors
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
}

/** The headers as raw `name: value` lines, for answers written straight to a socket. */
export const securityHeaderLines = (): string =>
  Object.entries(SECURITY_HEADERS)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')
