import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { ran, statementsDuring } from '../../fixtures/statement-count.ts'
import type { TransferPatch } from '../../../electron/store/transfer-row.ts'
import { tempStores } from '../../fixtures/temp-stores.ts'

const stores = tempStores('known-rows')
const fresh = () => stores.fresh()

describe('rows the writer knows', () => {
  it('an update of a known row reads nothing back, and the row it returns is the stored one', async () => {
    const { dir, store } = await fresh()
    const t = store.transfers.insert({ url: 'https://h.test/a.bin', dir })
    const { result, counts } = await statementsDuring(() => {
      store.transfers.update(t.id, { state: 'connecting', errorCode: null, errorMessage: null })
      store.transfers.update(t.id, { name: 'a.bin', total: 102400, rangeSupported: true, etag: '"x"' })
      store.transfers.update(t.id, { targetPath: `${dir}/a.bin`, state: 'downloading' })
      return store.transfers.update(t.id, { state: 'completed', savedPath: `${dir}/a.bin`, completedAt: 5 })
    })
    expect(ran(counts, 'RETURNING')).toBe(0)
    expect(ran(counts, 'SELECT')).toBe(0)
    store.flush()
    const reader = stores.open({ dir, readOnly: true })
    expect(result).toEqual(reader.transfers.get(t.id))
    expect(result).toMatchObject({ state: 'completed', rangeSupported: true, total: 102400, completedAt: 5 })
  })

  it("the change feed's rows of running transfers come without a read", async () => {
    const { dir, store } = await fresh()
    const ids = Array.from({ length: 50 }, (_, i) => store.transfers.insert({ url: `https://h.test/${i}`, dir }).id)
    for (const id of ids) store.transfers.update(id, { state: 'downloading' })
    const { result, counts } = await statementsDuring(() => store.transfers.getMany(ids))
    expect(result.size).toBe(50)
    expect([...result.values()].every((r) => r.state === 'downloading')).toBe(true)
    expect(ran(counts, 'SELECT')).toBe(0)
  })

  it('a caller changing a row it was given does not change what the store answers', async () => {
    const { dir, store } = await fresh()
    const t = store.transfers.insert({ url: 'https://h.test/a', dir })
    const given = store.transfers.update(t.id, { state: 'downloading' })
    given.state = 'failed'
    const read = store.transfers.get(t.id)
    if (!read) throw new Error('row gone')
    read.total = 99
    expect(store.transfers.get(t.id)).toMatchObject({ state: 'downloading', total: null })
  })

  it('a rolled-back update is not remembered', async () => {
    const { dir, store } = await fresh()
    const t = store.transfers.insert({ url: 'https://h.test/a', dir })
    store.transfers.update(t.id, { state: 'downloading', total: 10 })
    expect(() =>
      store.transaction(() => {
        store.transfers.update(t.id, { state: 'completed', total: 20 })
        throw new Error('changed my mind')
      }),
    ).toThrow(/changed my mind/)
    expect(store.transfers.get(t.id)).toMatchObject({ state: 'downloading', total: 10 })
  })

  it('any sequence of writes, rollbacks and removals leaves every answer equal to a fresh read', async () => {
    const { dir, store } = await fresh()
    const reader = stores.open({ dir, readOnly: true })
    const patch: fc.Arbitrary<TransferPatch> = fc.record(
      {
        state: fc.constantFrom('queued', 'connecting', 'downloading', 'paused', 'failed', 'completed'),
        name: fc.option(fc.string({ maxLength: 12 }), { nil: null }),
        total: fc.option(fc.nat(), { nil: null }),
        rangeSupported: fc.boolean(),
        etag: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
        restarts: fc.nat({ max: 5 }),
        priority: fc.constantFrom('normal', 'background'),
        startedAnyway: fc.boolean(),
        errorMessage: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
        completedAt: fc.option(fc.nat(), { nil: null }),
      },
      { requiredKeys: [] },
    )
    const step = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), n: fc.nat({ max: 1000 }) }),
      fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), patch }),
      fc.record({ kind: fc.constant('rollback' as const), pick: fc.nat(), patch }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('reorder' as const), pick: fc.nat() }),
    )
    const ids: number[] = []
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        for (const s of steps) {
          const id = ids.length > 0 && s.kind !== 'insert' ? ids[s.pick % ids.length] : undefined
          if (s.kind === 'insert') ids.push(store.transfers.insert({ url: `https://h.test/${s.n}`, dir }).id)
          else if (id === undefined) continue
          else if (s.kind === 'update') store.transfers.update(id, s.patch)
          else if (s.kind === 'rollback') {
            expect(() =>
              store.transaction(() => {
                store.transfers.update(id, s.patch)
                throw new Error('rolled back')
              }),
            ).toThrow(/rolled back/)
          } else if (s.kind === 'remove') {
            store.transfers.remove(id)
            ids.splice(ids.indexOf(id), 1)
          } else store.transfers.reorder([id])
          store.flush()
          const many = store.transfers.getMany(ids)
          for (const known of ids) {
            const truth = reader.transfers.get(known)
            expect(store.transfers.get(known)).toEqual(truth)
            expect(many.get(known)).toEqual(truth)
          }
        }
      }),
      { numRuns: 60 },
    )
  })
})
