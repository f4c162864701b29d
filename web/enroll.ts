// Devnet enrollment: a link `/#enroll=<token>` (printed by `npm start`, or opened by the devnet
// launcher's headless validators) makes this profile the node whose key the devnet genesis
// names as a validator. The relay hands the key out once per token; it is written into the
// node identity before the core starts, and the token leaves the address bar at once. A devnet
// started with --auto-admit marks its validators' links so they admit validator requests.
import { installNodeKey } from '../worker/core/identity.ts'
import { saveAutoAdmit } from '../worker/node/quorum-config.ts'

export const enrollFromLocation = async (): Promise<string | undefined> => {
  const m = /^#enroll=([A-Za-z0-9_-]{8,128})$/.exec(location.hash)
  if (!m) return undefined
  history.replaceState(null, '', location.pathname + location.search)
  const res = await fetch(`/enroll/${m[1]}`, { cache: 'no-store' })
  if (!res.ok) return `enrollment refused (${res.status}): the link was already used or is unknown`
  const body = (await res.json()) as { privateKey?: string; autoAdmit?: boolean }
  if (typeof body.privateKey !== 'string' || !/^[0-9a-f]+$/.test(body.privateKey))
    return 'enrollment answer malformed'
  const result = await installNodeKey(
    Uint8Array.from(body.privateKey.match(/../g)!.map((h) => Number.parseInt(h, 16))),
  )
  if (result === undefined && body.autoAdmit === true) await saveAutoAdmit(true)
  return result
}
