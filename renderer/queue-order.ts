/**
 * Reordering the queue from the list: where rows would land, and what `transfers:reorder` must be told.
 *
 * The channel moves the ids it is given to the front, in that order, and keeps the rest in their order. So to put
 * rows anywhere else, the renderer sends the whole new order up to the last place it differs from the current
 * one; main applies it and reports the positions back, which is the only order the list ever shows.
 */

/** The drag type of rows dragged inside the list; the window's link drop ignores drags that carry it. */
export const ROW_DRAG_TYPE = 'application/x-pinpoint-transfer-ids'

export type Edge = 'before' | 'after'

export function isRowDrag(data: DataTransfer | null): boolean {
  return data !== null && data.types.includes(ROW_DRAG_TYPE)
}

/** The ids a row drag carries, or [] for anything else (a drag from another window of this app, say). */
export function readRowDrag(data: DataTransfer): number[] {
  try {
    const ids: unknown = JSON.parse(data.getData(ROW_DRAG_TYPE))
    return Array.isArray(ids) ? ids.filter((id): id is number => Number.isSafeInteger(id) && id > 0) : []
  } catch {
    return []
  }
}

/** `order` with `moving` (kept in queue order) taken out and put just before or after `target`. */
export function placeRows(order: readonly number[], moving: readonly number[], target: number, edge: Edge): number[] {
  const set = new Set(moving)
  if (set.has(target)) return [...order]
  const moved = order.filter((id) => set.has(id))
  const rest = order.filter((id) => !set.has(id))
  const at = rest.indexOf(target)
  if (at === -1) return [...order]
  const insert = edge === 'before' ? at : at + 1
  return [...rest.slice(0, insert), ...moved, ...rest.slice(insert)]
}

/**
 * Each selected row of `visible` passes its unselected neighbour (up: -1, down: +1); a selected block at the edge
 * stays. Only selected rows move in `order`, so rows hidden by a filter keep their places relative to the others.
 */
export function stepRows(
  order: readonly number[],
  visible: readonly number[],
  selected: ReadonlySet<number>,
  step: -1 | 1,
): number[] {
  const shown = [...visible]
  let next = [...order]
  const indexes = shown.map((_, i) => i)
  if (step === 1) indexes.reverse()
  for (const i of indexes) {
    const id = shown[i]
    const neighbour = shown[i + step]
    if (id === undefined || neighbour === undefined || !selected.has(id) || selected.has(neighbour)) continue
    shown[i] = neighbour
    shown[i + step] = id
    next = placeRows(next, [id], neighbour, step === -1 ? 'before' : 'after')
  }
  return next
}

/** The selection, in queue order, ahead of everything else. */
export function toTop(order: readonly number[], selected: ReadonlySet<number>): number[] {
  return [...order.filter((id) => selected.has(id)), ...order.filter((id) => !selected.has(id))]
}

/** What to send to `transfers:reorder` to turn `order` into `next`, or null when they are the same. */
export function reorderIds(order: readonly number[], next: readonly number[]): number[] | null {
  let last = -1
  for (let i = 0; i < next.length; i++) if (next[i] !== order[i]) last = i
  return last === -1 ? null : next.slice(0, last + 1)
}
