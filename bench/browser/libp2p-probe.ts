// Page-side probes over the WATT host's own libp2p node (`globalThis.wattHost.libp2p()`): an
// echo and a counting sink protocol on one node, and on the other a round-trip and a throughput
// test over a stream of the direct WebRTC connection. Every function here runs inside the page
// (passed to page.evaluate), so each is self-contained: no imports, no outer variables.

/** A Uint8Array or a Uint8ArrayList: both have a length and a contiguous `subarray()`. */
type Chunk = { readonly byteLength: number; subarray(): Uint8Array }
interface ProbeStream extends AsyncIterable<Chunk> {
  send(data: Chunk): boolean
  onDrain(): Promise<void>
  close(): Promise<void>
}
interface ProbeConnection {
  readonly remotePeer: { toString(): string }
  readonly remoteAddr: { toString(): string }
  readonly status: string
  newStream(protocol: string): Promise<ProbeStream>
}
interface ProbeNode {
  handle(protocol: string, handler: (s: ProbeStream) => Promise<void>): Promise<void>
  getConnections(): ProbeConnection[]
  services: { ping: { ping(addr: unknown): Promise<number> } }
}
export type ProbeGlobal = { wattHost?: { libp2p(): ProbeNode | undefined } }

/** Registers `/watt-bench/echo/1` (sends every chunk back) and `/watt-bench/sink/1` (counts bytes
 * until the writer closes, then answers the count as decimal text). */
export const installProbeHandlers = async (): Promise<void> => {
  const node = (globalThis as ProbeGlobal).wattHost?.libp2p()
  if (!node) throw new Error('this tab does not host libp2p')
  await node.handle('/watt-bench/echo/1', async (s) => {
    for await (const c of s) if (!s.send(c)) await s.onDrain()
    await s.close()
  })
  await node.handle('/watt-bench/sink/1', async (s) => {
    let n = 0
    for await (const c of s) n += c.byteLength
    s.send(new TextEncoder().encode(String(n)))
    await s.close()
  })
}

/** Whether this tab has an open direct WebRTC connection to `peer`. */
export const hasWebRtcTo = (peer: string): boolean =>
  ((globalThis as ProbeGlobal).wattHost?.libp2p()?.getConnections() ?? []).some(
    (c) =>
      c.status === 'open' && c.remotePeer.toString() === peer && c.remoteAddr.toString().includes('/webrtc'),
  )

/** Round trips of 32 bytes over one echo stream, then libp2p pings, on the WebRTC connection. */
export const probeRoundTrips = async (a: { peer: string; count: number }) => {
  const node = (globalThis as ProbeGlobal).wattHost?.libp2p()
  const conn = node
    ?.getConnections()
    .find(
      (c) =>
        c.status === 'open' &&
        c.remotePeer.toString() === a.peer &&
        c.remoteAddr.toString().includes('/webrtc'),
    )
  if (!node || !conn) throw new Error('no WebRTC connection to the peer')
  const s = await conn.newStream('/watt-bench/echo/1')
  const it = s[Symbol.asyncIterator]()
  const msg = new Uint8Array(32)
  const echoMs: number[] = []
  for (let i = 0; i < a.count; i++) {
    const t = performance.now()
    s.send(msg)
    for (let got = 0; got < msg.length; ) {
      const r = await it.next()
      if (r.done) throw new Error('echo stream ended')
      got += r.value.byteLength
    }
    echoMs.push(performance.now() - t)
  }
  await s.close()
  const pingMs: number[] = []
  for (let i = 0; i < Math.min(a.count, 20); i++) pingMs.push(await node.services.ping.ping(conn.remoteAddr))
  return { echoMs, pingMs }
}

/** Sends `bytes` in `chunk`-byte pieces to the sink over the WebRTC connection; milliseconds from
 * the first byte sent to the sink's count received (which must equal `bytes`). */
export const probeThroughput = async (a: { peer: string; bytes: number; chunk: number }) => {
  const conn = (globalThis as ProbeGlobal).wattHost
    ?.libp2p()
    ?.getConnections()
    .find(
      (c) =>
        c.status === 'open' &&
        c.remotePeer.toString() === a.peer &&
        c.remoteAddr.toString().includes('/webrtc'),
    )
  if (!conn) throw new Error('no WebRTC connection to the peer')
  const s = await conn.newStream('/watt-bench/sink/1')
  const data = new Uint8Array(a.chunk).fill(7)
  const t = performance.now()
  for (let sent = 0; sent < a.bytes; sent += a.chunk) if (!s.send(data)) await s.onDrain()
  await s.close()
  let reply = ''
  for await (const c of s) reply += new TextDecoder().decode(c.subarray())
  const ms = performance.now() - t
  if (Number(reply) !== a.bytes) throw new Error(`sink counted ${reply}, sent ${a.bytes}`)
  return ms
}
