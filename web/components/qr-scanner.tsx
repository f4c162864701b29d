// Scanning a friend's QR code: the camera (the rear one on a phone) read a few times a second,
// and a photo or screenshot as the way that always works (no camera, permission refused, a
// desktop). The first code read is handed to `onText`, and the camera is released.
import { useEffect, useRef, useState } from 'preact/hooks'
import { readQr, readQrFile } from '../qr-read.ts'

const FRAME_EVERY_MS = 250

const cameraProblem = (e: unknown): string => {
  const name = (e as { name?: string })?.name
  if (name === 'NotAllowedError') return 'Camera permission was refused: choose a photo of the code instead.'
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera found: choose a photo of the code instead.'
  return 'The camera is not available: choose a photo of the code instead.'
}

export const QrScanner = ({ onText, onClose }: { onText: (text: string) => void; onClose: () => void }) => {
  const root = useRef<HTMLDivElement>(null)
  // the camera loop outlives renders: it calls the newest onText, not the one it started with
  const latest = useRef(onText)
  latest.current = onText
  const video = useRef<HTMLVideoElement>(null)
  const [camera, setCamera] = useState<'starting' | 'live' | 'off'>('starting')
  const [note, setNote] = useState('')

  useEffect(() => root.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }), [camera, note])

  useEffect(() => {
    let stream: MediaStream | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let done = false
    const stop = () => {
      done = true
      clearTimeout(timer)
      for (const t of stream?.getTracks() ?? []) t.stop()
    }
    const frame = async () => {
      const v = video.current
      if (done || !v) return
      if (v.readyState >= 2 && v.videoWidth > 0) {
        const text = await readQr(v, v.videoWidth, v.videoHeight).catch(() => undefined)
        if (text && !done) {
          stop()
          return latest.current(text)
        }
      }
      if (!done) timer = setTimeout(frame, FRAME_EVERY_MS)
    }
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) {
        setCamera('off')
        return setNote('This browser cannot use a camera here: choose a photo of the code instead.')
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } })
        if (done) return stop()
        if (video.current) {
          video.current.srcObject = stream
          await video.current.play().catch(() => {})
        }
        setCamera('live')
        void frame()
      } catch (e) {
        if (!done) {
          setCamera('off')
          setNote(cameraProblem(e))
        }
      }
    }
    void start()
    return stop
  }, [])

  const fromFile = async (e: Event) => {
    const input = e.target as HTMLInputElement
    const file = input.files?.[0]
    input.value = ''
    if (!file) return
    setNote('Reading…')
    const text = await readQrFile(file).catch(() => undefined)
    if (text) onText(text)
    else setNote('No QR code found in that image: try a sharper photo, closer to the code.')
  }

  return (
    <div ref={root} class="qr-scanner" data-testid="qr-scanner" data-camera={camera}>
      <video ref={video} muted playsInline hidden={camera !== 'live'} data-testid="qr-scan-video" />
      {camera === 'starting' && <p class="muted">Starting the camera…</p>}
      <div class="qr-scanner-actions">
        <label class="btn secondary">
          Choose a photo
          <input type="file" accept="image/*" hidden data-testid="qr-scan-file" onChange={fromFile} />
        </label>
        <button type="button" class="btn secondary" data-testid="qr-scan-close" onClick={onClose}>
          Cancel
        </button>
      </div>
      {note && (
        <p class="muted" data-testid="qr-scan-note">
          {note}
        </p>
      )}
    </div>
  )
}
