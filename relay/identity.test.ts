import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { KEY_FILE } from './identity.ts'
import { startRelay } from './server.ts'

const quiet = { port: 0, log: () => undefined }

test('--data-dir: the key is created once (mode 0600) and the peer id survives a restart', async () => {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'watt-id-')), 'data')
  try {
    const first = await startRelay({ ...quiet, dataDir: dir })
    await first.stop()
    const info = await stat(path.join(dir, KEY_FILE))
    assert.equal(info.mode & 0o777, 0o600)
    assert.equal((await stat(dir)).mode & 0o777, 0o700)
    const second = await startRelay({ ...quiet, dataDir: dir })
    await second.stop()
    assert.equal(second.peerId, first.peerId)
    assert.ok(second.multiaddrs.every((m) => m.endsWith(`/p2p/${first.peerId}`)))
    const other = await startRelay(quiet)
    await other.stop()
    assert.notEqual(other.peerId, first.peerId, 'without a data folder, a fresh key')
  } finally {
    await rm(path.dirname(dir), { recursive: true, force: true })
  }
})

test('--data-dir: a key others can read, or one that is not a key, is refused', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'watt-id-'))
  try {
    const file = path.join(dir, KEY_FILE)
    await writeFile(file, 'not a key', { mode: 0o600 })
    await assert.rejects(startRelay({ ...quiet, dataDir: dir }), /not a libp2p private key/)
    await chmod(file, 0o644)
    await assert.rejects(startRelay({ ...quiet, dataDir: dir }), (e: Error & { data?: { code: string } }) => {
      assert.equal(e.data?.code, 'relay/bad-option')
      assert.match(e.message, /readable by others/)
      return true
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
