// The Prometheus text exposition format (version 0.0.4): for each metric a # HELP and a
// # TYPE line, then one `name{label="value",...} number` line per sample.
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface Sample {
  labels?: Record<string, string>
  value: number
}

export interface Metric {
  name: string
  type: 'counter' | 'gauge'
  help: string
  samples: Sample[]
}

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

const number = (v: number): string =>
  Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v)

const sampleLine = (name: string, s: Sample): string => {
  const labels = Object.entries(s.labels ?? {})
  const inner = labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')
  return `${name}${labels.length === 0 ? '' : `{${inner}}`} ${number(s.value)}`
}

export const formatMetrics = (metrics: readonly Metric[]): string =>
  metrics
    .map((m) =>
      [
        `# HELP ${m.name} ${escapeHelp(m.help)}`,
        `# TYPE ${m.name} ${m.type}`,
        ...m.samples.map((s) => sampleLine(m.name, s)),
      ].join('\n'),
    )
    .join('\n')
    .concat('\n')
