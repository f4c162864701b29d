// A node's counters by code: every dropped, refused or failed thing is counted, never thrown.
export const createCounters = () => {
  const counts: Record<string, number> = {}
  return {
    count(code: string) {
      counts[code] = (counts[code] ?? 0) + 1
    },
    set(code: string, n: number) {
      counts[code] = n
    },
    snapshot: (): Record<string, number> => ({ ...counts }),
  }
}
