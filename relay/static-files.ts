// Static hosting of the built PWA: maps a request path to a file under the root, refusing any
// path that could leave it, with the MIME type and cache policy a PWA needs. Unknown paths
// without an extension fall back to index.html so client-side routes survive a reload.
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'

const MIME: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

export const mimeTypeOf = (file: string): string =>
  MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream'

/** Vite puts content-hashed files under /assets/: cache them for good; revalidate everything else. */
export const cacheControlFor = (urlPath: string): string =>
  urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'

export type StaticLookup =
  | { kind: 'file'; file: string; size: number; mtimeMs: number }
  | { kind: 'not-found' }
  | { kind: 'bad-path'; reason: string }

const isInside = (root: string, p: string): boolean => p === root || p.startsWith(root + path.sep)

const fileAt = async (root: string, p: string): Promise<StaticLookup | undefined> => {
  try {
    let s = await stat(p)
    let file = p
    if (s.isDirectory()) {
      file = path.join(p, 'index.html')
      s = await stat(file)
    }
    if (!s.isFile()) return undefined
    // a symlink inside the root may still point outside it
    const real = await realpath(file)
    if (!isInside(root, real)) return undefined
    return { kind: 'file', file: real, size: s.size, mtimeMs: s.mtimeMs }
  } catch {
    return undefined
  }
}

/**
 * Resolves a raw (still percent-encoded) URL path against `root`, which must already be a
 * real path. Dot segments, encoded or not, backslashes and NUL are refused outright rather
 * than normalized away; dotfiles other than /.well-known/ are not served.
 */
export const lookupStatic = async (root: string, rawPath: string): Promise<StaticLookup> => {
  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { kind: 'bad-path', reason: 'bad percent-encoding' }
  }
  if (decoded.includes('\0') || decoded.includes('\\'))
    return { kind: 'bad-path', reason: 'forbidden character' }
  const segments = decoded.split('/').filter((s) => s !== '')
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'bad-path', reason: 'dot segment' }
  if (segments.some((s) => s.startsWith('.') && s !== '.well-known')) return { kind: 'not-found' }
  const candidate = path.join(root, ...segments)
  if (!isInside(root, candidate)) return { kind: 'bad-path', reason: 'outside root' }
  const found = await fileAt(root, candidate)
  if (found) return found
  const last = segments.at(-1) ?? ''
  if (!last.includes('.')) return (await fileAt(root, path.join(root, 'index.html'))) ?? { kind: 'not-found' }
  return { kind: 'not-found' }
}
