import { describe, expect, it } from 'vitest'
import fc from 'fast-check'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import { type Store, type StoreOptions } from '../../../electron/store/open-store.ts'
import { tempStores } from '../../fixtures/temp-stores.ts'

// Updates held back within the group commit (staged-updates.ts): fewer statements, and nothing any reader,
// rollback or failure could tell apart from writing each one at once.

const stores = tempStores('staged')
const fresh = (opts: Partial<StoreOptions> = {}) => stores.fresh(opts)
const reader = (dir: string): Store => stores.open({ dir, readOnly: true })

const UPDATE = 'UPDATE transfers'

describe('staged updates', () => {
  it("a file's five updates on its way to completed are two statements", async () => {
    const { dir, store } = await fresh()
    const t = store.transfers.insert({ url: 'https://h.test/a.bin', dir })
    const { counts } = await statementsDuring(() => {
      store.transfers.update(t.id, { state: 'connecting', errorCode: null, errorMessage: null })
      store.transfers.update(t.id, { lastConnection: '{"address":"127.0.0.1"}' })
      store.transfers.update(t.id, { name: 'a.bin', total: 5, targetPath: `${dir}/a.bin`, state: 'downloading' })
      store.transfers.update(t.id, { state: 'finalizing', savedPath: `${dir}/a.bin` })
      store.transaction(() => {
        store.events.add(t.id, 'completed', 'saved')
        store.transfers.update(t.id, { state: 'completed', savedPath: `${dir}/a.bin`, completedAt: 7 })
      })
    })
    expect(ran(counts, UPDATE)).toBe(2)
    store.flush()
    expect(reader(dir).transfers.get(t.id)).toMatchObject({
      state: 'completed',
      lastConnection: '{"address":"127.0.0.1"}',
      targetPath: `${dir}/a.bin`,
      completedAt: 7,
    })
  })

  it('every read in the writer answers what is staged, before any commit', async () => {
    const { dir, store } = await fresh()
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    const b = store.transfers.insert({ url: 'https://h.test/b', dir })
    const reads: Array<[string, (message: string) => void]> = [
      ['nextQueued', () => expect(store.transfers.nextQueued(5).map((r) => r.id)).toEqual([b.id])],
      ['listByState', (m) => expect(store.transfers.listByState(['connecting'])[0]?.errorMessage).toBe(m)],
      ['list', (m) => expect(store.transfers.list().find((r) => r.id === a.id)?.errorMessage).toBe(m)],
      [
        'findExisting',
        (m) => expect(store.transfers.findExisting('https://h.test/a', dir, null)?.errorMessage).toBe(m),
      ],
      ['getMany', (m) => expect(store.transfers.getMany([a.id]).get(a.id)?.errorMessage).toBe(m)],
      ['get', (m) => expect(store.transfers.get(a.id)?.errorMessage).toBe(m)],
    ]
    for (const [name, check] of reads) {
      // Kept (so the update is staged), then forgotten with the kept queue, so that the read goes to SQLite.
      store.transfers.get(a.id)
      store.transfers.update(a.id, { state: 'connecting', errorMessage: name })
      store.transfers.reorder([b.id])
      check(name)
    }
  })

  it('another process sees a staged update once the turn commits, with no other write to carry it', async () => {
    const { dir, store } = await fresh({ commitIntervalMs: 20 })
    const t = store.transfers.insert({ url: 'https://h.test/a', dir })
    store.flush()
    store.transfers.update(t.id, { state: 'connecting' })
    const r = reader(dir)
    const deadline = Date.now() + 5000
    while (r.transfers.get(t.id)?.state !== 'connecting' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(r.transfers.get(t.id)?.state).toBe('connecting')
  })

  it('a later transaction that rolls back keeps what was staged before it', async () => {
    const { dir, store } = await fresh()
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    const b = store.transfers.insert({ url: 'https://h.test/b', dir })
    store.transfers.update(a.id, { state: 'connecting' })
    expect(() =>
      store.transaction(() => {
        store.transfers.update(b.id, { state: 'paused' })
        store.transfers.update(a.id, { state: 'failed' })
        throw new Error('rolled back')
      }),
    ).toThrow(/rolled back/)
    expect(store.transfers.get(a.id)?.state).toBe('connecting')
    store.flush()
    const r = reader(dir)
    expect(r.transfers.get(a.id)?.state).toBe('connecting')
    expect(r.transfers.get(b.id)?.state).toBe('queued')
  })

  it('an update refused for a taken name leaves the staged values to be written', async () => {
    const { dir, store } = await fresh()
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    store.transfers.insert({ url: 'https://h.test/b', dir, targetPath: `${dir}/x.bin` })
    store.transfers.update(a.id, { state: 'connecting', lastConnection: '{"n":1}' })
    expect(() => store.transfers.update(a.id, { targetPath: `${dir}/x.bin`, state: 'downloading' })).toThrow(
      /already writes/,
    )
    store.flush()
    expect(reader(dir).transfers.get(a.id)).toMatchObject({
      state: 'connecting',
      lastConnection: '{"n":1}',
      targetPath: null,
    })
  })

  it('nothing made inside a transaction is staged, and a removed transfer takes its staged values with it', async () => {
    const { dir, store } = await fresh()
    const a = store.transfers.insert({ url: 'https://h.test/a', dir })
    const b = store.transfers.insert({ url: 'https://h.test/b', dir })
    const inside = await statementsDuring(() =>
      store.transaction(() => store.transfers.update(a.id, { state: 'paused' })),
    )
    expect(ran(inside.counts, UPDATE)).toBe(1)
    store.transfers.update(b.id, { state: 'connecting' })
    const removed = await statementsDuring(() => store.transfers.remove(b.id))
    expect(ran(removed.counts, UPDATE)).toBe(0)
    store.flush()
    const r = reader(dir)
    expect(r.transfers.get(a.id)?.state).toBe('paused')
    expect(r.transfers.get(b.id)).toBeUndefined()
  })
})

describe('staged updates under any mix of writes, transactions and reads', () => {
  it('the writer answers and finally commits exactly what a model that writes at once holds', async () => {
    type Model = { state: string; errorMessage: string | null; name: string | null; lastConnection: string | null }
    const states = ['queued', 'connecting', 'downloading', 'paused', 'failed', 'completed'] as const
    const patch = fc.oneof(
      // Stageable outside a transaction...
      fc.record({ state: fc.constantFrom(...states) }),
      fc.record({ errorMessage: fc.option(fc.string({ maxLength: 6 }), { nil: null }) }),
      fc.record({
        lastConnection: fc.option(fc.string({ maxLength: 6 }), { nil: null }),
        state: fc.constantFrom(...states),
      }),
      // ...and not: it takes what its row has staged.
      fc.record({ name: fc.option(fc.string({ maxLength: 6 }), { nil: null }), state: fc.constantFrom(...states) }),
    )
    const step = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const) }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), patch }),
      fc.record({ kind: fc.constant('commit' as const), pick: fc.nat(), patch, second: fc.nat(), patch2: patch }),
      fc.record({ kind: fc.constant('rollback' as const), pick: fc.nat(), patch, read: fc.boolean() }),
      fc.record({ kind: fc.constant('nested' as const), pick: fc.nat(), patch, inner: patch }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('read' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('commitTurn' as const) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        // Each run on a store of its own, so that a counterexample replays alone.
        const { dir, store } = await fresh()
        const model = new Map<number, Model>()
        const apply = (id: number, p: Partial<Model>) => {
          const m = model.get(id)
          if (m) model.set(id, { ...m, ...p })
        }
        const rollBack = (fn: () => void) =>
          expect(() =>
            store.transaction(() => {
              fn()
              throw new Error('rolled back')
            }),
          ).toThrow(/rolled back/)
        let n = 0
        for (const s of steps) {
          const ids = [...model.keys()]
          const pick = (i: number) => (ids.length > 0 ? ids[i % ids.length] : undefined)
          const id = 'pick' in s ? pick(s.pick) : undefined
          if (s.kind === 'insert') {
            const t = store.transfers.insert({ url: `https://h.test/${n++}`, dir })
            model.set(t.id, { state: t.state, errorMessage: null, name: null, lastConnection: null })
          } else if (s.kind === 'commitTurn') store.flush()
          else if (id === undefined) continue
          else if (s.kind === 'update') {
            store.transfers.update(id, s.patch)
            apply(id, s.patch)
          } else if (s.kind === 'commit') {
            const other = pick(s.second) as number
            store.transaction(() => {
              store.transfers.update(id, s.patch)
              store.transfers.update(other, s.patch2)
            })
            apply(id, s.patch)
            apply(other, s.patch2)
          } else if (s.kind === 'rollback') {
            rollBack(() => {
              store.transfers.update(id, s.patch)
              // A read inside the transaction writes what is staged: that write is undone with it.
              if (s.read) store.transfers.list()
            })
          } else if (s.kind === 'nested') {
            store.transaction(() => {
              store.transfers.update(id, s.patch)
              rollBack(() => store.transfers.update(id, s.inner))
            })
            apply(id, s.patch)
          } else if (s.kind === 'remove') {
            store.transfers.remove(id)
            model.delete(id)
          } else {
            // Reads that go to SQLite: the kept rows and queue are forgotten first.
            store.transfers.reorder([id])
            const listed = new Map(store.transfers.list().map((r) => [r.id, r]))
            for (const [k, m] of model) expect(listed.get(k)).toMatchObject(m)
          }
          for (const [k, m] of model) expect(store.transfers.get(k)).toMatchObject(m)
        }
        store.flush()
        const r = reader(dir)
        for (const [k, m] of model) expect(r.transfers.get(k)).toMatchObject(m)
      }),
      { numRuns: 150 },
    )
  })
})
