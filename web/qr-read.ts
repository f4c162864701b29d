// Reads a QR code from a photo or a camera frame. The platform's BarcodeDetector is used where it
// reads QR codes (Android, ChromeOS, macOS); elsewhere (desktop Linux, Firefox) jsQR, pure JS,
// loaded on first use. Large photos are scaled down first: a QR code needs far fewer pixels
// than a phone camera takes, and jsQR's time grows with the pixel count.

/** The longest side an image is scaled to before jsQR reads it. */
export const MAX_SIDE = 1024

interface Detector {
  detect(source: CanvasImageSource): Promise<Array<{ rawValue: string }>>
}
interface DetectorClass {
  new (o: { formats: string[] }): Detector
  getSupportedFormats(): Promise<string[]>
}

let native: Promise<Detector | undefined> | undefined
const nativeDetector = (): Promise<Detector | undefined> => {
  native ??= (async () => {
    const BD = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector
    if (!BD) return undefined
    try {
      return (await BD.getSupportedFormats()).includes('qr_code')
        ? new BD({ formats: ['qr_code'] })
        : undefined
    } catch {
      return undefined
    }
  })()
  return native
}

let canvas: HTMLCanvasElement | undefined

/** The pixels of `source` (width w, height h), scaled so that its longest side is at most MAX_SIDE. */
export const pixelsOf = (source: CanvasImageSource, w: number, h: number): ImageData => {
  const scale = Math.min(1, MAX_SIDE / Math.max(w, h))
  const cw = Math.max(1, Math.round(w * scale))
  const ch = Math.max(1, Math.round(h * scale))
  canvas ??= document.createElement('canvas')
  canvas.width = cw
  canvas.height = ch
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!
  ctx.drawImage(source, 0, 0, cw, ch)
  return ctx.getImageData(0, 0, cw, ch)
}

/**
 * The text of a QR code in `source` (w x h pixels), or undefined if none is readable. Where the
 * platform detector reads the source, its answer stands (a camera frame is not read twice).
 */
export const readQr = async (
  source: CanvasImageSource,
  w: number,
  h: number,
): Promise<string | undefined> => {
  const detector = await nativeDetector()
  if (detector) {
    try {
      return (await detector.detect(source))[0]?.rawValue
    } catch {
      // a source the detector cannot take: jsQR below
    }
  }
  const img = pixelsOf(source, w, h)
  const { default: jsQR } = await import('jsqr')
  return jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' })?.data || undefined
}

/** The text of a QR code in an image file (a photo or a screenshot). */
export const readQrFile = async (file: Blob): Promise<string | undefined> => {
  const bitmap = await createImageBitmap(file)
  try {
    return await readQr(bitmap, bitmap.width, bitmap.height)
  } finally {
    bitmap.close()
  }
}
