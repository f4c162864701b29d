// QR reading in real Chromium (canvas, createImageBitmap, jsQR through the Vite harness): the
// invite QR the Mine screen draws reads back as its link, from a clean screenshot-sized image and
// from a large, rotated, noisy "photo"; an image without a code reads as nothing.
import { resolve } from 'node:path'
import { expect, test } from '@playwright/test'

const READER = `/@fs${resolve('web/qr-read.ts')}`
const ENCODER = `/@fs${resolve('web/components/mine-qr.tsx')}`
const PREACT = `/@fs${resolve('node_modules/preact/dist/preact.module.js')}`
const LINK = 'http://127.0.0.1:8080/#invite=WJGKTHAOFWCSSJHN3SV6OW4XEHGVNWNZMT2JPP5ZS5XMQOPEVH2GLRPCP'

test('a QR code reads back from a screenshot and from a rotated photo; a blank image reads as nothing', async ({
  page,
}) => {
  await page.goto('/harness.html')
  const results = await page.evaluate(
    async ({ reader, encoder, preact, link }) => {
      const { readQrFile } = await import(/* @vite-ignore */ reader)
      const { qrModules, MineQr } = await import(/* @vite-ignore */ encoder)
      const { render, h } = await import(/* @vite-ignore */ preact)
      const modules: boolean[][] = qrModules(link)
      /** The Mine screen's own SVG at `size` CSS pixels, rasterized as a DPR-1 screenshot would be. */
      const drawn = async (size: number) => {
        const host = document.createElement('div')
        render(h(MineQr, { text: link, size }), host)
        const svg = new Blob([host.innerHTML], { type: 'image/svg+xml' })
        const img = new Image()
        img.src = URL.createObjectURL(svg)
        await img.decode()
        const c = new OffscreenCanvas(size + 40, size + 40)
        const g = c.getContext('2d')!
        g.fillStyle = '#17202b'
        g.fillRect(0, 0, size + 40, size + 40)
        g.drawImage(img, 20, 20, size, size)
        return c.convertToBlob({ type: 'image/png' })
      }
      /** Draws the code on a `side`-pixel canvas, `angle` radians turned, with `noise` of speckle. */
      const image = async (side: number, cell: number, angle: number, noise: number, code = true) => {
        const c = new OffscreenCanvas(side, side)
        const g = c.getContext('2d')!
        g.fillStyle = '#c8c4b8'
        g.fillRect(0, 0, side, side)
        g.translate(side / 2, side / 2)
        g.rotate(angle)
        const n = modules.length
        g.fillStyle = '#fff'
        g.fillRect((-n * cell) / 2, (-n * cell) / 2, n * cell, n * cell)
        g.fillStyle = '#111'
        if (code)
          modules.forEach((row, y) => {
            row.forEach((dark, x) => {
              if (dark) g.fillRect((x - n / 2) * cell, (y - n / 2) * cell, cell, cell)
            })
          })
        g.setTransform(1, 0, 0, 1, 0, 0)
        let seed = 7
        for (let i = 0; i < noise * side * side; i++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff
          g.fillStyle = seed & 1 ? '#000' : '#fff'
          g.fillRect(seed % side, (seed >> 8) % side, 1, 1)
        }
        return c.convertToBlob({ type: 'image/png' })
      }
      return {
        screenshot: await readQrFile(await drawn(132)),
        clean: await readQrFile(await image(400, 6, 0, 0)),
        photo: await readQrFile(await image(3000, 24, 0.2, 0.002)),
        blank: (await readQrFile(await image(400, 6, 0, 0, false))) ?? null,
      }
    },
    { reader: READER, encoder: ENCODER, preact: PREACT, link: LINK },
  )
  expect(results).toEqual({ screenshot: LINK, clean: LINK, photo: LINK, blank: null })
})
