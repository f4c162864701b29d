// Log lines are one per event, and a flood of garbage connections is many events: cap the
// rate so an attacker cannot fill the disk, and say how many lines were dropped.
export const LOG_LINES_PER_SECOND = 200

export const rateLimitedLog = (
  log: (line: string) => void,
  maxPerWindow = LOG_LINES_PER_SECOND,
  windowMs = 1000,
  now: () => number = Date.now,
): ((line: string) => void) => {
  let windowStart = Number.NEGATIVE_INFINITY
  let count = 0
  let suppressed = 0
  return (line) => {
    const t = now()
    if (t - windowStart >= windowMs) {
      if (suppressed > 0) log(`relay log suppressed lines=${suppressed}`)
      windowStart = t
      count = 0
      suppressed = 0
    }
    if (count < maxPerWindow) {
      count++
      log(line)
    } else {
      suppressed++
    }
  }
}
