import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMemoryLedgerStore } from './memory-store.ts'
import { ledgerStoreAcceptance } from './store-acceptance.ts'

ledgerStoreAcceptance('memory store', async () => createMemoryLedgerStore(), { test, assert })
