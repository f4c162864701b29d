// The core's identity waits for the first tab's `core.boot` call. That call may carry an
// enrollment (a devnet validator's key): it is installed before the identity is loaded, so the
// core never makes or uses another key first. The identity is loaded (or created) exactly once.
// A later boot's enrollment is checked against the key the profile has: the same key is fine,
// another is refused (`other_node_key`), and the core goes on as the node it is.
import { err, type Result, toWattError, type WattError } from '../../shared/util/errors.ts'
import type { BootReply, BootRequest, Enrollment } from './core-api.ts'
import type { InstallError, NodeIdentity } from './identity.ts'

export interface BootGateDeps {
  /** Makes the key this profile's node key, unless it already is another (identity.ts installNodeKey). */
  install(privateKey: Uint8Array): Promise<Result<true, InstallError>>
  /** Loads the profile's identity, creating it the first time (identity.ts). */
  load(): Promise<NodeIdentity>
  /** An enrollment was installed: keep what else it says (the auto-admit flag). */
  onEnrolled(e: Enrollment): Promise<void>
}

export interface BootGate {
  /** Resolves once the first boot call has installed (if it enrolls) and loaded the identity. */
  identity(): Promise<NodeIdentity>
  /** The `core.boot` handler. */
  boot(request: BootRequest | undefined): Promise<BootReply>
}

export const createBootGate = (d: BootGateDeps): BootGate => {
  const ready = Promise.withResolvers<NodeIdentity>()
  let first = true

  const enroll = async (e: Enrollment): Promise<Result<true, WattError>> => {
    try {
      const r = await d.install(e.privateKey)
      if (r.ok) await d.onEnrolled(e)
      return r
    } catch (x) {
      return err(toWattError(x))
    } finally {
      e.privateKey.fill(0)
    }
  }

  const reply = (identity: NodeIdentity, enrollment: Result<true, WattError> | undefined): BootReply =>
    enrollment ? { peerId: identity.peerId, enrollment } : { peerId: identity.peerId }

  return {
    identity: () => ready.promise,
    async boot(request) {
      const e = request?.enrollment
      if (!first) {
        const identity = await ready.promise
        return reply(identity, e && (await enroll(e)))
      }
      first = false
      // a failed enrollment does not stop the core: it starts as the node the profile already is
      const enrolled = e && (await enroll(e))
      d.load().then(ready.resolve, ready.reject)
      return reply(await ready.promise, enrolled)
    },
  }
}
