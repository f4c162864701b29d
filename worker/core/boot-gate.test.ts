import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bytesEqual } from '../../shared/util/bytes.ts'
import { err, ok } from '../../shared/util/errors.ts'
import { createBootGate } from './boot-gate.ts'
import type { Enrollment } from './core-api.ts'
import type { NodeIdentity } from './identity.ts'

/** A profile: at most one stored key; installs and loads logged in order. */
const profile = (stored?: Uint8Array) => {
  let key = stored
  const log: string[] = []
  const enrolled: Enrollment[] = []
  const gate = createBootGate({
    install: async (k) => {
      log.push(`install ${k[0]}`)
      if (k[0] === 0) return err({ code: 'bad_node_key' })
      if (key && !bytesEqual(key, k)) return err({ code: 'other_node_key' })
      key ??= new Uint8Array(k)
      return ok(true)
    },
    load: async () => {
      log.push('load')
      key ??= new Uint8Array([99])
      return { peerId: `peer-${key[0]}` } as unknown as NodeIdentity
    },
    onEnrolled: async (e) => {
      enrolled.push({ ...e, privateKey: new Uint8Array(e.privateKey) })
    },
  })
  return { gate, log, enrolled }
}

const enrollment = (b: number, autoAdmit = false): Enrollment => ({
  privateKey: new Uint8Array([b, 1]),
  autoAdmit,
})

test('the identity waits for the first boot and is loaded once, however many tabs boot', async () => {
  const p = profile()
  let loaded = false
  void p.gate.identity().then(() => {
    loaded = true
  })
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(loaded, false, 'no identity before a tab boots the core')
  const replies = await Promise.all([p.gate.boot(undefined), p.gate.boot({}), p.gate.boot(undefined)])
  assert.deepEqual(
    replies.map((r) => r.peerId),
    ['peer-99', 'peer-99', 'peer-99'],
  )
  assert.deepEqual(p.log, ['load'])
  assert.equal((await p.gate.identity()).peerId, 'peer-99')
})

test("the first boot's enrollment is installed before the identity loads, and its key is wiped", async () => {
  const p = profile()
  const e = enrollment(7, true)
  const r = await p.gate.boot({ enrollment: e })
  assert.deepEqual(r, { peerId: 'peer-7', enrollment: { ok: true, value: true } })
  assert.deepEqual(p.log, ['install 7', 'load'])
  assert.deepEqual(p.enrolled, [{ privateKey: new Uint8Array([7, 1]), autoAdmit: true }])
  assert.deepEqual([...e.privateKey], [0, 0], 'the core keeps no copy of the key it installed')
})

test('a later enrollment: the same key is fine, another is refused and the node stays itself', async () => {
  const p = profile()
  await p.gate.boot({ enrollment: enrollment(7) })
  assert.deepEqual((await p.gate.boot({ enrollment: enrollment(7) })).enrollment, { ok: true, value: true })
  const other = await p.gate.boot({ enrollment: enrollment(8, true) })
  assert.deepEqual(other, { peerId: 'peer-7', enrollment: { ok: false, error: { code: 'other_node_key' } } })
  assert.deepEqual(p.log, ['install 7', 'load', 'install 7', 'install 8'])
  assert.equal(p.enrolled.length, 2, 'a refused enrollment keeps nothing (no auto-admit)')
})

test('a refused first enrollment still starts the core as the node the profile already is', async () => {
  const p = profile(new Uint8Array([5, 1]))
  const r = await p.gate.boot({ enrollment: enrollment(8) })
  assert.deepEqual(r, { peerId: 'peer-5', enrollment: { ok: false, error: { code: 'other_node_key' } } })
  const bad = profile()
  const b = await bad.gate.boot({ enrollment: enrollment(0) })
  assert.deepEqual(b, { peerId: 'peer-99', enrollment: { ok: false, error: { code: 'bad_node_key' } } })
  assert.deepEqual(bad.log, ['install 0', 'load'])
})

test('a stored key that does not open fails every boot with its code, and the identity with it', async () => {
  const corrupt = { code: 'node_key_corrupt' }
  const gate = createBootGate({
    install: async () => ok(true),
    load: async () => Promise.reject(corrupt),
    onEnrolled: async () => {},
  })
  await assert.rejects(gate.boot(undefined), (e) => e === corrupt)
  await assert.rejects(gate.boot(undefined), (e) => e === corrupt)
  await assert.rejects(gate.identity(), (e) => e === corrupt)
})
