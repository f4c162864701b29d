// The relay's log lines are `relay <area> <event> key=value ...` (values that may hold spaces
// are JSON strings). `--log-format json` turns each into one JSON object per line, for log
// shippers: { time, level, msg: "<area> <event>", key: value, ... }.
const TOKEN = /([A-Za-z0-9_-]+)=("(?:[^"\\]|\\.)*"|\S*)|(\S+)/g

const fieldValue = (raw: string): unknown => {
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw)
    } catch {
      return raw
    }
  }
  return /^-?\d+(\.\d+)?$/.test(raw) && raw.length < 16 ? Number(raw) : raw
}

/** One log line as a JSON object; words before the first key=value form `msg`. */
export const jsonLogLine = (line: string, time: Date): string => {
  const words: string[] = []
  const fields: Record<string, unknown> = {}
  for (const m of line.matchAll(TOKEN)) {
    const [, key, raw, word] = m
    if (key !== undefined && raw !== undefined) {
      // keys of our own never clash with the fixed ones; keep them apart anyway
      fields[key === 'time' || key === 'msg' || key === 'level' ? `_${key}` : key] = fieldValue(raw)
    } else if (word !== undefined && Object.keys(fields).length === 0) words.push(word)
  }
  const msg = words[0] === 'relay' ? words.slice(1).join(' ') : words.join(' ')
  const level = /error|refused|timeout|uncaught|unhandled|rejected|limited/.test(msg) ? 'warn' : 'info'
  return JSON.stringify({ time: time.toISOString(), level, msg, ...fields })
}

export const textLogLine = (line: string, time: Date): string => `${time.toISOString()} ${line}`
