// How a fetch shares a file's subtrees among the servers that hold it (issue 15, item 2). Each
// server starts with a contiguous run of the subtrees (neighbouring blocks from one server);
// one that runs out takes the last untaken subtree of the longest queue (work stealing), so a
// fast server does more. A subtree given back (its server failed part way) goes to a separate
// queue that every server takes from first, and it keeps its progress so the next server resumes
// it. A dropped server takes nothing more, and its queue is given back whole. Pure bookkeeping:
// no I/O, the same calls give the same plan.

export interface FetchPlan<T> {
  /** The next task for `server`, or undefined when it has nothing to take (or was dropped). */
  take(server: string): T | undefined
  /** A task taken and not finished: it is taken before any other. */
  giveBack(task: T): void
  /** `server` takes nothing more; its untaken tasks are given back. */
  drop(server: string): void
  isDropped(server: string): boolean
  /** Tasks not taken yet. */
  untaken(): number
  live(): string[]
}

export const createFetchPlan = <T>(tasks: readonly T[], servers: readonly string[]): FetchPlan<T> => {
  const queues = new Map<string, T[]>()
  const given: T[] = []
  const n = servers.length
  servers.forEach((s, i) => {
    queues.set(s, tasks.slice(Math.floor((i * tasks.length) / n), Math.floor(((i + 1) * tasks.length) / n)))
  })

  /** The queue a server without work steals from: the longest, the first server's on a tie. */
  const longest = (): T[] | undefined => {
    let best: T[] | undefined
    for (const q of queues.values()) if (q.length > (best?.length ?? 0)) best = q
    return best
  }

  return {
    take(server) {
      const own = queues.get(server)
      if (!own) return undefined
      return given.shift() ?? own.shift() ?? longest()?.pop()
    },
    giveBack: (task) => void given.unshift(task),
    drop(server) {
      const q = queues.get(server)
      if (!q) return
      queues.delete(server)
      given.push(...q)
    },
    isDropped: (server) => !queues.has(server),
    untaken: () => given.length + [...queues.values()].reduce((a, q) => a + q.length, 0),
    live: () => [...queues.keys()],
  }
}
