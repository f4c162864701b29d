// Page-side code for the baseline: a plain RTCDataChannel between the same two browser contexts,
// signalled by hand (the benchmark carries the offer and answer between pages, no trickle ICE).
// The answering side echoes small messages and counts large ones until the text "end", then
// answers the count. Each function runs inside a page: self-contained, state kept on globalThis.

interface RawState {
  pc: RTCPeerConnection
  dc?: RTCDataChannel
}
type RawGlobal = { benchRaw?: RawState }

/** Offering side: creates the connection and channel; returns the offer with its candidates. */
export const rawOffer = async (): Promise<RTCSessionDescriptionInit> => {
  const pc = new RTCPeerConnection()
  const dc = pc.createDataChannel('bench', { ordered: true })
  dc.binaryType = 'arraybuffer'
  ;(globalThis as RawGlobal).benchRaw = { pc, dc }
  await pc.setLocalDescription(await pc.createOffer())
  // no trickle ICE: wait for all candidates (5 s at most), then hand over one description
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve()
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
    setTimeout(resolve, 5000)
  })
  return pc.localDescription!.toJSON()
}

/** Answering side: accepts the offer, serves echo and count on the channel; returns the answer. */
export const rawAnswer = async (offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit> => {
  const pc = new RTCPeerConnection()
  ;(globalThis as RawGlobal).benchRaw = { pc }
  pc.ondatachannel = (e) => {
    const dc = e.channel
    dc.binaryType = 'arraybuffer'
    let count = 0
    dc.onmessage = (m) => {
      if (typeof m.data === 'string') {
        dc.send(String(count))
        count = 0
      } else if ((m.data as ArrayBuffer).byteLength <= 64) dc.send(m.data as ArrayBuffer)
      else count += (m.data as ArrayBuffer).byteLength
    }
  }
  await pc.setRemoteDescription(offer)
  await pc.setLocalDescription(await pc.createAnswer())
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve()
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
    setTimeout(resolve, 5000)
  })
  return pc.localDescription!.toJSON()
}

/** Offering side: applies the answer and waits for the channel to open. */
export const rawConnect = async (answer: RTCSessionDescriptionInit): Promise<void> => {
  const s = (globalThis as RawGlobal).benchRaw!
  await s.pc.setRemoteDescription(answer)
  const dc = s.dc!
  if (dc.readyState === 'open') return
  await new Promise<void>((resolve, reject) => {
    dc.onopen = () => resolve()
    setTimeout(() => reject(new Error('raw data channel did not open in 20 s')), 20_000)
  })
}

/** Round trips of 32 bytes on the raw channel. */
export const rawRoundTrips = async (count: number): Promise<number[]> => {
  const dc = (globalThis as RawGlobal).benchRaw!.dc!
  const msg = new Uint8Array(32)
  const ms: number[] = []
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    const reply = new Promise((resolve) => dc.addEventListener('message', resolve, { once: true }))
    dc.send(msg)
    await reply
    ms.push(performance.now() - t)
  }
  return ms
}

/** Sends `bytes` in `chunk`-byte messages (keeping at most 1 MiB buffered); milliseconds from the
 * first send to the peer's count received (which must equal `bytes`). */
export const rawThroughput = async (a: { bytes: number; chunk: number }): Promise<number> => {
  const dc = (globalThis as RawGlobal).benchRaw!.dc!
  dc.bufferedAmountLowThreshold = 256 * 1024
  const data = new Uint8Array(a.chunk).fill(7)
  const t = performance.now()
  for (let sent = 0; sent < a.bytes; sent += a.chunk) {
    if (dc.bufferedAmount > 1024 * 1024) {
      await new Promise((resolve) => dc.addEventListener('bufferedamountlow', resolve, { once: true }))
    }
    dc.send(data)
  }
  const reply = new Promise((resolve) =>
    dc.addEventListener('message', (m) => resolve(m.data), { once: true }),
  )
  dc.send('end')
  const count = Number(await reply)
  const ms = performance.now() - t
  if (count !== a.bytes) throw new Error(`raw sink counted ${count}, sent ${a.bytes}`)
  return ms
}
