// The ledger service's admission glue with fake ports: an operator admits only requests it holds,
// only when the quorum analysis still finds intersecting quorums; auto-admit admits a verified
// request at once; the asking side becomes a validator, floods its request and reads `admitted`
// once another node announces a quorum set that includes it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressOf } from '../../shared/crypto/address.ts'
import { nobleSigner, nobleVerifier } from '../../shared/crypto/noble.ts'
import { decodeScpMessage } from '../../shared/node/messages.ts'
import { makeValidatorRequest, type ValidatorRequest } from '../../shared/node/validator-request.ts'
import type { NodeId, QuorumSet } from '../../shared/scp/index.ts'
import { type AdmissionDeps, createAdmission } from './validator-admission.ts'

const key = (i: number) => nobleSigner(new Uint8Array(32).fill(i))
const idOf = (i: number) => addressOf(key(i).publicKey) as string as NodeId
const now = 5_000_000

const setup = (self: number, o: { autoAdmit?: boolean; health?: string } = {}) => {
  let q: QuorumSet = { threshold: 2, validators: [idOf(1), idOf(2)], innerSets: [] }
  const known = new Map<NodeId, QuorumSet>()
  const published: Uint8Array[] = []
  const log: string[] = []
  let validator = false
  const deps: AdmissionDeps = {
    network: 'net',
    nodeId: idOf(self),
    signer: key(self),
    verifier: nobleVerifier,
    autoAdmit: o.autoAdmit ?? false,
    now: () => now,
    publishScp: (d) => published.push(d),
    quorumSet: () => q,
    knownQuorumSets: () => known,
    analyze: () => o.health ?? 'intersecting',
    applyQuorumSet: async (next) => {
      q = next
    },
    becomeValidator: async () => {
      validator = true
    },
    log: (l) => log.push(l),
  }
  return {
    admission: createAdmission(deps, false),
    qset: () => q,
    known,
    published,
    log,
    isValidator: () => validator,
  }
}

const request = (i: number): Promise<ValidatorRequest> => makeValidatorRequest(key(i), 'net', idOf(i), now)
const settle = () => new Promise((r) => setTimeout(r, 50))

test('an operator admits a held request; the threshold becomes two-thirds', async () => {
  const v = setup(1)
  await assert.rejects(v.admission.admit(idOf(3)), { data: { code: 'unknown_request', node: idOf(3) } })
  await v.admission.onRequest(await request(3))
  assert.deepEqual(
    v.admission.view().pending.map((r) => r.nodeId),
    [idOf(3)],
  )
  const q = await v.admission.admit(idOf(3))
  assert.deepEqual(q, { threshold: 3, validators: [idOf(1), idOf(2), idOf(3)], innerSets: [] })
  assert.deepEqual(v.qset(), q)
  assert.deepEqual(v.admission.view().pending, [])
})

test('an admission the quorum analysis finds at risk is refused and nothing is saved', async () => {
  const v = setup(1, { health: 'at risk: disjoint quorums {a} and {b} can decide differently' })
  await v.admission.onRequest(await request(3))
  await assert.rejects(
    v.admission.admit(idOf(3)),
    (e: { data?: { code?: string } }) => e.data?.code === 'quorum_at_risk',
  )
  assert.equal(v.qset().validators.length, 2)
})

test('auto-admit admits a verified request, never a forged one', async () => {
  const v = setup(1, { autoAdmit: true })
  const forged = { ...(await request(4)), nodeId: idOf(5) }
  await v.admission.onRequest(forged)
  await v.admission.onRequest(await request(3))
  await settle()
  assert.deepEqual(v.qset().validators, [idOf(1), idOf(2), idOf(3)])
})

test('the asking side turns validator, floods a signed request, and reads admitted when trusted', async () => {
  const n = setup(3)
  assert.equal(await n.admission.request(), 'requested')
  assert.ok(n.isValidator())
  const m = decodeScpMessage(n.published[0]!)
  assert.equal(m?.type, 'validator-req')
  const v = setup(1)
  await v.admission.onRequest(m as ValidatorRequest)
  assert.equal(v.admission.view().pending.length, 1, 'a validator verifies and keeps it')
  n.known.set(idOf(1), { threshold: 3, validators: [idOf(1), idOf(2), idOf(3)], innerSets: [] })
  assert.deepEqual(n.admission.view(), { request: 'admitted', trustedBy: 1, pending: [] })
  n.admission.stop()
})
