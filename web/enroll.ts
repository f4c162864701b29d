// Devnet enrollment: a link `/#enroll=<token>` (printed by `npm start`, or opened by the devnet
// launcher's headless validators) makes this profile the node whose key the devnet genesis
// names as a validator. The relay hands the key out once per token; the token leaves the address
// bar at once. The page hands the key to the core in its first call, `core.boot`: the core loads
// or creates its identity only on the first tab's boot, so the key is installed (sealed like
// every node key, worker/core/boot-gate.ts) before the core makes or uses any other. A devnet
// started with --auto-admit marks its validators' links so they admit validator requests.
import { fromHex } from '../shared/util/bytes.ts'
import type { Result, WattError } from '../shared/util/errors.ts'
import type { CoreRpc } from '../worker/app/rpc-api.ts'
import type { Enrollment } from '../worker/core/core-api.ts'

const PROBLEMS: Record<string, string> = {
  other_node_key: 'This browser profile already is another node: open the link in a fresh profile.',
  bad_node_key: 'The relay sent a node key this app cannot read: start the devnet again for a new link.',
  node_key_corrupt:
    "This profile's stored node key cannot be opened: clear this site's data, then open a new link.",
}

/** What the address bar's enrollment link gave: nothing, the key to install, or what went wrong. */
type Fetched = { enrollment?: Enrollment; problem?: string }

const fetchEnrollment = async (): Promise<Fetched> => {
  const m = /^#enroll=([A-Za-z0-9_-]{8,128})$/.exec(location.hash)
  if (!m) return {}
  history.replaceState(null, '', location.pathname + location.search)
  const res = await fetch(`/enroll/${m[1]}`, { cache: 'no-store' })
  if (!res.ok)
    return {
      problem: `Enrollment refused (${res.status}): the link was already used or is unknown; ask for a new one.`,
    }
  const body = (await res.json()) as { privateKey?: string; autoAdmit?: boolean }
  if (typeof body.privateKey !== 'string' || !/^([0-9a-f]{2})+$/.test(body.privateKey))
    return { problem: 'The enrollment answer was malformed: start the devnet again for a new link.' }
  return { enrollment: { privateKey: fromHex(body.privateKey), autoAdmit: body.autoAdmit === true } }
}

const problemOf = (r: Result<true, WattError> | undefined): string | undefined =>
  !r || r.ok ? undefined : (PROBLEMS[r.error.code] ?? `enrollment failed: ${r.error.code}`)

/**
 * This tab's first call to the core, carrying the enrollment of the address bar's link if there is
 * one. Undefined when there was nothing to enroll or it worked; otherwise one sentence on what to do.
 */
export const bootWithEnrollment = async (rpc: CoreRpc): Promise<string | undefined> => {
  const { enrollment, problem } = await fetchEnrollment().catch((e) => ({
    enrollment: undefined,
    problem: `enrollment failed: ${String(e)}`,
  }))
  try {
    const reply = await rpc.call('core.boot', enrollment ? { enrollment } : undefined)
    return problem ?? problemOf(reply.enrollment)
  } catch (e) {
    const code = (e as WattError | undefined)?.code
    return (code && PROBLEMS[code]) ?? `the core did not start: ${code ?? String(e)}`
  } finally {
    enrollment?.privateKey.fill(0)
  }
}
