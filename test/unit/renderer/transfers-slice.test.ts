import { describe, expect, it } from 'vitest'

import { createAppStore } from '../../../renderer/store/create-app-store.ts'
import { view } from './fake-api.ts'

function loaded(...ids: number[]) {
  const store = createAppStore()
  store.getState().loadTransfers({ seq: 5, transfers: ids.map((id) => view(id)) })
  return store
}

describe('transfers slice', () => {
  it('loads a snapshot in queue order (position, then id)', () => {
    const store = createAppStore()
    store.getState().loadTransfers({
      seq: 3,
      transfers: [view(1, { position: 2 }), view(2, { position: 1 }), view(3, { position: 1 })],
    })
    const t = store.getState().transfers
    expect(t.order).toEqual([2, 3, 1])
    expect(t.seq).toBe(3)
    expect(t.loaded).toBe(true)
  })

  it('applies a newer batch and ignores one the store has already seen', () => {
    const store = loaded(1)
    store.getState().applyTransferChanges({ seq: 6, patches: [view(1, { done: 100 })], removed: [] })
    expect(store.getState().transfers.byId[1]?.done).toBe(100)
    // Older and repeated batches are stale: the snapshot or a later batch already holds their effect.
    store.getState().applyTransferChanges({ seq: 5, patches: [view(1, { done: 50 })], removed: [] })
    store.getState().applyTransferChanges({ seq: 6, patches: [view(1, { done: 60 })], removed: [] })
    expect(store.getState().transfers.byId[1]?.done).toBe(100)
    expect(store.getState().transfers.seq).toBe(6)
  })

  it('keeps the object of every row a batch did not change, and the order when no position moved', () => {
    const store = loaded(1, 2, 3)
    const before = store.getState().transfers
    store.getState().applyTransferChanges({
      seq: 6,
      patches: [view(1), view(2, { done: 500, speed: 10, state: 'downloading' })],
      removed: [],
    })
    const after = store.getState().transfers
    expect(after.byId[1]).toBe(before.byId[1])
    expect(after.byId[3]).toBe(before.byId[3])
    expect(after.byId[2]).not.toBe(before.byId[2])
    expect(after.order).toBe(before.order)
  })

  it('keeps byId itself when a batch changes nothing', () => {
    const store = loaded(1, 2)
    const before = store.getState().transfers
    store.getState().applyTransferChanges({ seq: 6, patches: [view(1), view(2)], removed: [] })
    expect(store.getState().transfers.byId).toBe(before.byId)
    expect(store.getState().transfers.seq).toBe(6)
  })

  it('compares errors by value, not identity', () => {
    const store = createAppStore()
    const failed = view(1, { state: 'failed', error: { code: 'HTTP_STATUS', message: '404' } })
    store.getState().loadTransfers({ seq: 1, transfers: [failed] })
    store.getState().applyTransferChanges({
      seq: 2,
      patches: [{ ...failed, error: { code: 'HTTP_STATUS', message: '404' } }],
      removed: [],
    })
    expect(store.getState().transfers.byId[1]).toBe(failed)
  })

  it('compares connections by value, and a changed connection replaces the row', () => {
    const conn = { address: '127.0.0.1', port: 443, servername: 'a.test', protocol: 'TLSv1.3', verified: true }
    const store = createAppStore()
    const done = view(1, { state: 'completed', connection: conn })
    store.getState().loadTransfers({ seq: 1, transfers: [done] })
    store.getState().applyTransferChanges({ seq: 2, patches: [{ ...done, connection: { ...conn } }], removed: [] })
    expect(store.getState().transfers.byId[1]).toBe(done)
    const other = { ...conn, address: '::1', pinned: false }
    store.getState().applyTransferChanges({ seq: 3, patches: [{ ...done, connection: other }], removed: [] })
    expect(store.getState().transfers.byId[1]?.connection).toEqual(other)
    store.getState().applyTransferChanges({ seq: 4, patches: [{ ...done, connection: null }], removed: [] })
    expect(store.getState().transfers.byId[1]?.connection).toBeNull()
  })

  it('compares retries by value, and a new attempt or its end replaces the row', () => {
    const refused = { code: 'CONNECT_REFUSED' as const, message: 'a.test at 127.0.0.1:1: connection refused' }
    const retry = { attempt: 2, maxAttempts: 6, at: 1_000, error: refused }
    const store = createAppStore()
    const waiting = view(1, { state: 'connecting', retry })
    store.getState().loadTransfers({ seq: 1, transfers: [waiting] })
    store.getState().applyTransferChanges({
      seq: 2,
      patches: [{ ...waiting, retry: { ...retry, error: { ...refused } } }],
      removed: [],
    })
    expect(store.getState().transfers.byId[1]).toBe(waiting)
    const next = { ...retry, attempt: 3, at: 3_000 }
    store.getState().applyTransferChanges({ seq: 3, patches: [{ ...waiting, retry: next }], removed: [] })
    expect(store.getState().transfers.byId[1]?.retry).toEqual(next)
    store.getState().applyTransferChanges({ seq: 4, patches: [{ ...waiting, retry: null }], removed: [] })
    expect(store.getState().transfers.byId[1]?.retry).toBeNull()
  })

  it('adds new rows and removes gone ones, re-sorting the order', () => {
    const store = loaded(1, 2, 3)
    store.getState().applyTransferChanges({ seq: 6, patches: [view(4, { position: 0 })], removed: [2] })
    const t = store.getState().transfers
    expect(t.order).toEqual([4, 1, 3])
    expect(t.byId[2]).toBeUndefined()
  })

  it('re-sorts when a position changes (reorder)', () => {
    const store = loaded(1, 2, 3)
    store.getState().applyTransferChanges({ seq: 6, patches: [view(3, { position: -1 })], removed: [] })
    expect(store.getState().transfers.order).toEqual([3, 1, 2])
  })

  it('removes a row that the same batch also patched', () => {
    const store = loaded(1, 2)
    store.getState().applyTransferChanges({ seq: 6, patches: [view(2, { done: 9 })], removed: [2] })
    expect(store.getState().transfers.byId[2]).toBeUndefined()
    expect(store.getState().transfers.order).toEqual([1])
  })

  it('keeps unchanged rows across a fresh snapshot too', () => {
    const store = loaded(1, 2)
    const first = store.getState().transfers.byId[1]
    store.getState().loadTransfers({ seq: 9, transfers: [view(1), view(2, { done: 1 })] })
    expect(store.getState().transfers.byId[1]).toBe(first)
  })
})
