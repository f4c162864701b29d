// The relay's libp2p key, kept in its data folder so that its peer id (and therefore every
// multiaddr browsers and other relays hold) survives a restart. The key is created once, on
// the first start with a given folder, and written with mode 0600 in a folder of mode 0700;
// a key file that others can read is refused rather than used.
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { WattFailure, wattError } from '../shared/util/errors.ts'

export const KEY_FILE = 'relay-key'

const badDataDir = (dir: string, message: string): never => {
  throw new WattFailure(wattError('relay/bad-option', { option: 'dataDir', value: dir, message }))
}

const readKey = async (dir: string, file: string): Promise<PrivateKey | undefined> => {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? undefined : badDataDir(dir, `cannot read ${file}: ${e.message}`),
  )
  if (info === undefined) return undefined
  if ((info.mode & 0o077) !== 0) badDataDir(dir, `${file} is readable by others (chmod 600 it)`)
  try {
    return privateKeyFromProtobuf(await readFile(file))
  } catch (e) {
    return badDataDir(dir, `${file} is not a libp2p private key: ${(e as Error).message}`)
  }
}

/** The key in `dir`, created (Ed25519) on first use. */
export const loadOrCreateKey = async (dir: string): Promise<PrivateKey> => {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((e: Error) => badDataDir(dir, e.message))
  const file = path.join(dir, KEY_FILE)
  const existing = await readKey(dir, file)
  if (existing !== undefined) return existing
  const key = await generateKeyPair('Ed25519')
  // 'wx': two relays started on one folder at once must not both write a key
  await writeFile(file, privateKeyToProtobuf(key), { mode: 0o600, flag: 'wx' }).catch(async (e) =>
    (e as NodeJS.ErrnoException).code === 'EEXIST' ? undefined : badDataDir(dir, (e as Error).message),
  )
  return (await readKey(dir, file)) ?? badDataDir(dir, `${file} vanished after it was written`)
}
