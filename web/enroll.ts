// Devnet enrollment: a link `/#enroll=<token>` (printed by `npm start`, or opened by the devnet
// launcher's headless validators) makes this profile the node whose key the devnet genesis
// names as a validator. The relay hands the key out once per token; the token leaves the address
// bar at once. The key is installed, sealed like every node key, through the core's own identity
// module before this page starts the core: the core creates a fresh identity as soon as it boots,
// so an RPC call would come too late (docs/runtime.md). A devnet started with --auto-admit marks
// its validators' links so they admit validator requests.
import { fromHex } from '../shared/util/bytes.ts'
import { type InstallError, installNodeKey, withIdentityStore } from '../worker/core/identity.ts'
import { saveAutoAdmit } from '../worker/node/quorum-config.ts'

const PROBLEMS: Record<InstallError['code'], string> = {
  other_node_key: 'This browser profile already is another node: open the link in a fresh profile.',
  bad_node_key: 'The relay sent a node key this app cannot read: start the devnet again for a new link.',
  node_key_corrupt:
    "This profile's stored node key cannot be opened: clear this site's data, then open a new link.",
}

/** Undefined when there was nothing to enroll or it worked; otherwise one sentence on what to do. */
export const enrollFromLocation = async (): Promise<string | undefined> => {
  const m = /^#enroll=([A-Za-z0-9_-]{8,128})$/.exec(location.hash)
  if (!m) return undefined
  history.replaceState(null, '', location.pathname + location.search)
  const res = await fetch(`/enroll/${m[1]}`, { cache: 'no-store' })
  if (!res.ok)
    return `Enrollment refused (${res.status}): the link was already used or is unknown; ask for a new one.`
  const body = (await res.json()) as { privateKey?: string; autoAdmit?: boolean }
  if (typeof body.privateKey !== 'string' || !/^([0-9a-f]{2})+$/.test(body.privateKey))
    return 'The enrollment answer was malformed: start the devnet again for a new link.'
  const key = fromHex(body.privateKey)
  const result = await withIdentityStore((d) => installNodeKey(d, key))
  key.fill(0)
  if (!result.ok) return PROBLEMS[result.error.code]
  if (body.autoAdmit === true) await saveAutoAdmit(true)
  return undefined
}
