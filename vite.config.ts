// Builds the PWA (web/), the node core SharedWorker and the proof workers (worker/) into dist/,
// with a workbox service worker that precaches the app shell for offline start.
import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  root: 'web',
  publicDir: 'public',
  // no source maps in production: they would publish the sources and cost every visitor a download
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2023', sourcemap: false },
  worker: { format: 'es' },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { fs: { allow: ['..'] } },
  // The dev server (browser tests) pre-bundles every dependency the pages and workers import up
  // front. Found later, a new dependency makes Vite reload the page and fail the worker's module
  // fetch, and a worker whose module never loads answers nothing.
  optimizeDeps: {
    entries: ['index.html', 'harness.html', '../worker/**/*entry.ts', 'sim/sim-worker.ts', 'opfs-probe.ts'],
  },
  plugins: [
    VitePWA({
      injectRegister: false,
      registerType: 'autoUpdate',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      includeAssets: ['icons/*.png'],
      manifest: {
        name: 'WATT node',
        short_name: 'WATT',
        description: 'Run a node of the WATT decentralized storage network from your browser.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#0f1720',
        theme_color: '#0f1720',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,png,svg,webmanifest,wasm}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/(health|bootstrap|genesis)/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
})
