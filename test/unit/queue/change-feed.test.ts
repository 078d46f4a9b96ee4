import { describe, expect, it } from 'vitest'

import { ChangeFeed, type Changes } from '../../../electron/queue/change-feed.ts'
import type { TransferView } from '../../../shared/transfer.ts'

// SQLite gives a new row the highest id plus one, so a transfer added right after the newest one was removed
// gets that id back: within one batch, the removal and the new transfer must not cancel each other out.
describe('the change feed', () => {
  const views = new Map<number, TransferView>()
  const feed = () => {
    const f = new ChangeFeed(1_000, (id) => views.get(id))
    const got: Changes[] = []
    f.subscribe((c) => got.push(c))
    return { f, got }
  }

  it('a transfer removed and then a new one with the same id: the batch carries the new one, not a removal', () => {
    const { f, got } = feed()
    f.removed(7)
    views.set(7, { id: 7 } as TransferView)
    f.touch(7)
    f.flush()
    expect(got[0]?.patches.map((p) => p.id)).toEqual([7])
    expect(got[0]?.removed).toEqual([])
  })

  it('a transfer changed and then removed: the batch carries the removal only', () => {
    const { f, got } = feed()
    views.set(8, { id: 8 } as TransferView)
    f.touch(8)
    views.delete(8)
    f.removed(8)
    f.flush()
    expect(got[0]?.patches).toEqual([])
    expect(got[0]?.removed).toEqual([8])
  })

  it('with a batch reader, builds a batch in one call for every transfer changed, none for one removed', () => {
    const calls: number[][] = []
    const f = new ChangeFeed(
      1_000,
      () => {
        throw new Error('one at a time is not asked when a batch reader is given')
      },
      (ids) => {
        calls.push([...ids])
        return ids.map((id) => (id === 3 ? undefined : ({ id } as TransferView)))
      },
    )
    const got: Changes[] = []
    f.subscribe((c) => got.push(c))
    for (const id of [1, 2, 3, 2, 4]) f.touch(id)
    f.removed(4)
    f.flush()
    expect(calls).toEqual([[1, 2, 3]])
    // A transfer gone by the flush (no view) is left out of the patches.
    expect(got[0]?.patches.map((p) => p.id)).toEqual([1, 2])
    expect(got[0]?.removed).toEqual([4])
  })
})
