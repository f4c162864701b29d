// The storage service's RPC methods and event, and their guards.
import { badParams, noParams, paramsObject, safeInt, text } from '../rpc/params.ts'
import type { Guards, Method } from '../rpc/table.ts'
import type { FileSource, Stored } from './importer.ts'
import type { StorageView } from './storage-view.ts'

export interface Retrieved {
  readonly cid: string
  readonly size: number
  readonly blob: Blob
}

export type StorageMethods = {
  'storage.view': Method<undefined, StorageView>
  /** The space offered to the network, in bytes (0 or more). */
  'storage.setOffer': Method<{ readonly offerBytes: number }, StorageView>
  'storage.store': Method<{ readonly file: FileSource }, Stored>
  /** A file stored on this device, by its CID (text), verified block by block. */
  'storage.retrieve': Method<{ readonly cid: string }, Retrieved>
}

export type StorageEvents = {
  storage: StorageView
}

export const STORAGE_GUARDS: Guards<StorageMethods> = {
  'storage.view': noParams,
  'storage.setOffer': (p) => ({ offerBytes: safeInt(paramsObject(p), 'offerBytes') }),
  'storage.store': (p) => {
    const file = paramsObject(p).file
    return file instanceof Blob ? { file } : badParams('file')
  },
  'storage.retrieve': (p) => ({ cid: text(paramsObject(p), 'cid', 200) }),
}
