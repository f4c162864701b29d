// Garbage for the Byzantine 'garbage' behaviour: a node's real envelope with its signature
// replaced by noise, or with a statement that does not parse. Receivers must reject both.
import type { Envelope } from '../scp/index.ts'
import type { SimNodeHost } from './node-host.ts'

export const corruptEnvelope = (env: Envelope, host: SimNodeHost<Envelope>): Envelope =>
  host.rng.int(2) === 0
    ? { statement: env.statement, signature: host.rng.bytes(64) }
    : ({
        statement: { type: 'garbage', slot: env.statement.slot },
        signature: env.signature,
      } as unknown as Envelope)
