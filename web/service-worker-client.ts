// Registers the workbox service worker that precaches the app shell (built by vite-plugin-pwa);
// the dev server has none.
import { Workbox } from 'workbox-window'

export const registerServiceWorker = (): void => {
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return
  void new Workbox('/sw.js', { type: 'classic' }).register().catch((e) => console.warn('service worker:', e))
}
