import { describe, expect, it } from 'vitest'

import { placeRows, reorderIds, stepRows, toTop } from '../../../renderer/queue-order.ts'

/** What main's reorder does with the ids it is sent: them first, in that order, then the rest as they were. */
function applyReorder(order: readonly number[], ids: readonly number[]): number[] {
  const front = new Set(ids)
  return [...ids, ...order.filter((id) => !front.has(id))]
}

const order = [1, 2, 3, 4, 5]

describe('queue order', () => {
  it('places dragged rows before or after a target, keeping their queue order', () => {
    expect(placeRows(order, [5], 1, 'before')).toEqual([5, 1, 2, 3, 4])
    expect(placeRows(order, [1], 3, 'after')).toEqual([2, 3, 1, 4, 5])
    expect(placeRows(order, [4, 2], 5, 'after')).toEqual([1, 3, 5, 2, 4])
    // Dropped onto one of the dragged rows, or onto a row that is gone: nothing moves.
    expect(placeRows(order, [2, 3], 3, 'before')).toEqual(order)
    expect(placeRows(order, [2], 99, 'before')).toEqual(order)
  })

  it('steps the selection by one among the rows shown; hidden rows keep their places', () => {
    expect(stepRows(order, order, new Set([3]), -1)).toEqual([1, 3, 2, 4, 5])
    expect(stepRows(order, order, new Set([3]), 1)).toEqual([1, 2, 4, 3, 5])
    // Each selected row passes its unselected neighbour; a block at the edge stays.
    expect(stepRows(order, order, new Set([2, 4]), -1)).toEqual([2, 1, 4, 3, 5])
    expect(stepRows(order, order, new Set([1, 2]), -1)).toEqual(order)
    expect(stepRows(order, order, new Set([4, 5]), 1)).toEqual(order)
    // 2 and 4 are filtered out: 5 moves just above 3, the row shown before it, and nothing else moves.
    expect(stepRows(order, [1, 3, 5], new Set([5]), -1)).toEqual([1, 2, 5, 3, 4])
    expect(stepRows(order, [1, 3, 5], new Set([1]), 1)).toEqual([2, 3, 1, 4, 5])
  })

  it('moves the selection to the top in queue order', () => {
    expect(toTop(order, new Set([4, 2]))).toEqual([2, 4, 1, 3, 5])
  })

  it('sends the shortest prefix that makes main produce exactly the new order', () => {
    const cases = [
      placeRows(order, [5], 1, 'before'),
      placeRows(order, [1], 3, 'after'),
      placeRows(order, [2], 3, 'after'),
      stepRows(order, [1, 3, 5], new Set([5]), -1),
      toTop(order, new Set([4, 2])),
    ]
    for (const next of cases) {
      const ids = reorderIds(order, next)
      expect(ids).not.toBeNull()
      expect(applyReorder(order, ids ?? [])).toEqual(next)
    }
    expect(reorderIds(order, placeRows(order, [2], 3, 'after'))).toEqual([1, 3, 2])
    expect(reorderIds(order, [...order])).toBeNull()
  })
})
