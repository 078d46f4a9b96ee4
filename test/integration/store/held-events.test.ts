import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

import { describe, expect, it } from 'vitest'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import { DB_FILE, type Store } from '../../../electron/store/open-store.ts'
import { tempStores } from '../../fixtures/temp-stores.ts'

const stores = tempStores('held-events')
const open = async (): Promise<Store> => (await stores.fresh()).store

const turnEnds = () => new Promise((done) => setImmediate(done))

/** What another process sees of a transfer's history: the committed events, oldest first. */
function committed(store: Store, transferId: number): Array<[string, string]> {
  const db = new DatabaseSync(join(store.dir, DB_FILE), { readOnly: true })
  try {
    const rows = db.prepare('SELECT kind, message FROM events WHERE transfer_id = ? ORDER BY id').all(transferId)
    return rows.map((r) => [r['kind'] as string, r['message'] as string])
  } finally {
    db.close()
  }
}

const shown = (store: Store, id: number) => store.events.list(id).map((e) => [e.kind, e.message])

describe('an event added with the commit', () => {
  it('runs no statement when added, is seen by this process at once, and is committed with its turn', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    const { counts } = await statementsDuring(() => store.events.addOnCommit(id, 'completed', 'saved as /d/x'))
    expect(counts.size).toBe(0)
    expect(shown(store, id)).toEqual([['completed', 'saved as /d/x']])
    await turnEnds()
    await turnEnds()
    expect(committed(store, id)).toEqual([['completed', 'saved as /d/x']])
  })

  it('is committed even when nothing reads it first', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.events.addOnCommit(id, 'completed', 'saved')
    store.flush()
    expect(committed(store, id)).toEqual([['completed', 'saved']])
  })

  it('keeps the order the events happened in, beside events written at once', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.events.addOnCommit(id, 'retry', 'one')
    store.events.add(id, 'paused', 'two')
    store.events.addOnCommit(id, 'completed', 'three')
    const order = [
      ['retry', 'one'],
      ['paused', 'two'],
      ['completed', 'three'],
    ]
    expect(shown(store, id)).toEqual(order)
    store.flush()
    expect(committed(store, id)).toEqual(order)
  })

  it('hides the secrets of a URL in its message, as an event written at once does', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.events.addOnCommit(id, 'completed', 'from https://user:hunter2@a.test/x')
    store.flush()
    expect(committed(store, id)[0]?.[1]).not.toContain('hunter2')
  })

  it('goes with its transfer when that is removed first, and never passes to a new one given the same id', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.events.addOnCommit(id, 'completed', 'saved')
    store.transfers.remove(id)
    const again = store.transfers.insert({ url: 'https://a.test/y', dir: '/d' }).id
    expect(again).toBe(id)
    store.flush()
    expect(shown(store, again)).toEqual([])
    expect(committed(store, again)).toEqual([])
  })

  it('is written by the commit in one statement', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.flush()
    store.events.addOnCommit(id, 'completed', 'saved')
    const { counts } = await statementsDuring(() => store.flush())
    expect(ran(counts, 'INSERT INTO events')).toBe(1)
    expect(committed(store, id)).toEqual([['completed', 'saved']])
  })

  it('written early by a transaction that then rolls back, is held again and committed after all', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    store.events.addOnCommit(id, 'completed', 'one')
    expect(() =>
      store.transaction(() => {
        // Writes the held event first, to keep the order, inside this transaction's savepoint.
        store.events.add(id, 'paused', 'two')
        throw new Error('changed my mind')
      }),
    ).toThrow('changed my mind')
    store.flush()
    expect(committed(store, id)).toEqual([['completed', 'one']])
  })

  it('added inside a transaction goes with it: undone when it rolls back', async () => {
    const store = await open()
    const id = store.transfers.insert({ url: 'https://a.test/x', dir: '/d' }).id
    expect(() =>
      store.transaction(() => {
        store.events.addOnCommit(id, 'completed', 'inside')
        throw new Error('no')
      }),
    ).toThrow('no')
    store.flush()
    expect(committed(store, id)).toEqual([])
    expect(shown(store, id)).toEqual([])
  })
})
