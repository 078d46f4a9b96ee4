import { DatabaseSync } from 'node:sqlite'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { DB_FILE, openStore, type Store } from '../../../electron/store/open-store.ts'
import { makeTempDir, removeTempDir } from '../../fixtures/temp-dir.ts'

// The event log keeps no link's secret, whichever code wrote the line: the repository redacts on the way in.

let store: Store | undefined
let dir: string | undefined
afterEach(async () => {
  store?.close()
  store = undefined
  if (dir) await removeTempDir(dir)
})

describe('the event log', () => {
  it('stores URLs in its messages without userinfo or signatures', async () => {
    dir = await makeTempDir('events-redacted')
    store = openStore({ dir })
    const url = 'https://u:pw@cdn.test/f.iso?Signature=SECRET&Expires=1767225600&Key-Pair-Id=SECRET2'
    const { id } = store.transfers.insert({ url, dir: '/d' })
    store.events.add(id, 'retry', `HTTP 503 for ${url}; retrying`)
    const shown = 'HTTP 503 for https://cdn.test/f.iso?Signature=…&Expires=1767225600&Key-Pair-Id=…; retrying'
    expect(store.events.list(id).map((e) => e.message)).toEqual([shown])
    // Closed first: the store commits its writes in batches, and the file is what a reader finds later.
    store.close()
    store = undefined
    const db = new DatabaseSync(join(dir, DB_FILE), { readOnly: true })
    try {
      const raw = db.prepare('SELECT message FROM events').all()
      expect(raw.map((r) => r['message'])).toEqual([shown])
    } finally {
      db.close()
    }
  })
})
