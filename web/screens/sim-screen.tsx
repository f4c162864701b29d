// Watch SCP at work: runs a small seeded simulation of validators in a worker (the real
// consensus and ledger code under a virtual clock) and draws the network as ledgers close.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { CoreRpc } from '../../worker/app/rpc-api.ts'
import type { SimEvent } from '../sim/sim-worker.ts'

type Done = Extract<SimEvent, { type: 'done' }>

const Ring = ({ n, pulse }: { n: number; pulse: number }) => {
  const r = 80
  const pts = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n - Math.PI / 2
    return [100 + r * Math.cos(a), 100 + r * Math.sin(a)] as const
  })
  return (
    <svg viewBox="0 0 200 200" class="sim-ring" role="img" aria-label={`${n} validators`}>
      {pts.map(([x1, y1], i) =>
        pts
          .slice(i + 1)
          .map(([x2, y2], j) => <line key={`${i}-${j}`} x1={x1} y1={y1} x2={x2} y2={y2} class="sim-edge" />),
      )}
      {pts.map(([x, y], i) => (
        <circle key={i} cx={x} cy={y} r={pulse % 2 === 0 ? 9 : 11} class="sim-node" />
      ))}
      <text x="100" y="106" text-anchor="middle" class="sim-count">
        {pulse}
      </text>
    </svg>
  )
}

/** Downloads this node's last finished day (W24) as the JSON `npm run sim -- --replay` reads. */
const DayExportCard = ({ rpc }: { rpc: CoreRpc }) => {
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  const exportDay = async () => {
    setBusy(true)
    try {
      const doc = await rpc.call('sim.dayExport', {}, 60_000)
      const blob = new Blob([JSON.stringify(doc, null, 1)], { type: 'application/json' })
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = `watt-day-${doc.network}-${doc.day}.json`
      a.click()
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
      setStatus(`day ${doc.day}: ${doc.ledgers.length} ledgers, closed by ledger ${doc.closingHeader.seq}`)
    } catch (e) {
      setStatus(`no finished day to export yet (${(e as { code?: string }).code ?? String(e)})`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section class="card">
      <h2>Compare with the simulator</h2>
      <p class="muted">
        Export this node's last finished day: its inputs, ledgers and distribution. `npm run sim -- --replay
        FILE` recomputes it with the same code and reports agreement or the first difference.
      </p>
      <button type="button" class="btn" data-testid="day-export" disabled={busy} onClick={exportDay}>
        Export last day
      </button>
      {status && <p data-testid="day-export-status">{status}</p>}
    </section>
  )
}

const RangeField = (p: {
  id: string
  label: string
  min: number
  max: number
  value: number
  set: (v: number) => void
}) => (
  <div class="field">
    <label for={p.id}>{p.label}</label>
    <input
      id={p.id}
      type="range"
      min={p.min}
      max={p.max}
      value={p.value}
      onInput={(e) => p.set(Number(e.currentTarget.value))}
    />
  </div>
)

export const SimScreen = ({ rpc }: { rpc?: CoreRpc }) => {
  const [validators, setValidators] = useState(7)
  const [drop, setDrop] = useState(5)
  const [progress, setProgress] = useState({ ledgers: 0, messages: 0, virtualMs: 0 })
  const [done, setDone] = useState<Done>()
  const [error, setError] = useState<string>()
  const [running, setRunning] = useState(false)
  const [seed, setSeed] = useState(0)
  const worker = useRef<Worker>()
  useEffect(() => () => worker.current?.terminate(), [])

  const run = () => {
    worker.current?.terminate()
    const w = new Worker(new URL('../sim/sim-worker.ts', import.meta.url), { type: 'module' })
    worker.current = w
    setDone(undefined)
    setError(undefined)
    setRunning(true)
    setProgress({ ledgers: 0, messages: 0, virtualMs: 0 })
    w.onmessage = (e: MessageEvent<SimEvent>) => {
      const m = e.data
      if (m.type === 'progress') setProgress(m)
      else {
        setRunning(false)
        if (m.type === 'done') {
          setDone(m)
          setProgress((p) => ({ ...p, ledgers: m.ledgers, messages: m.messages }))
        } else setError(m.message)
        w.terminate()
      }
    }
    const s = Math.floor(Math.random() * 1e9)
    setSeed(s)
    w.postMessage({ seed: s, validators, ledgers: 20, dropPercent: drop })
  }

  return (
    <div class="screen">
      <section class="card">
        <h2>Watch consensus</h2>
        <p class="muted">
          A seeded simulation of validators running the real SCP and ledger code under a virtual clock, with
          messages lost at random. The validators form a full-mesh core that trusts itself.
        </p>
        <RangeField
          id="sim-n"
          label={`Validators: ${validators}`}
          min={4}
          max={16}
          value={validators}
          set={setValidators}
        />
        <RangeField
          id="sim-drop"
          label={`Messages lost: ${drop}%`}
          min={0}
          max={30}
          value={drop}
          set={setDrop}
        />
        <button type="button" class="btn" data-testid="sim-run" disabled={running} onClick={run}>
          {running ? 'Running…' : 'Run 20 ledgers'}
        </button>
      </section>
      <section class="card">
        <h2>Network</h2>
        <Ring n={validators} pulse={progress.ledgers} />
        <div class="kv">
          <span>Ledgers closed (all nodes)</span>
          <strong data-testid="sim-ledgers">{progress.ledgers}</strong>
        </div>
        <div class="kv">
          <span>Messages</span>
          <span>{progress.messages}</span>
        </div>
        <div class="kv">
          <span>Virtual time</span>
          <span>{(progress.virtualMs / 1000).toFixed(1)} s</span>
        </div>
        {done && (
          <p data-testid="sim-result" class={done.ok && done.forks === 0 ? 'success' : 'error'}>
            {done.ok ? 'agreed' : 'violation'}: {done.ledgers} ledgers, {done.forks} forks, mean close{' '}
            {Math.round(done.meanCloseMs)} ms (seed {seed}: replay with `npm run sim -- --seed {seed}`)
          </p>
        )}
        {error && <p class="error">{error}</p>}
      </section>
      {rpc && <DayExportCard rpc={rpc} />}
    </div>
  )
}
